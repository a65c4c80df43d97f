namespace Station.Protocol.Chips;

/// <summary>The JEDEC RDID (0x9F) answer: manufacturer, memory type, capacity code.</summary>
public readonly record struct FlashId(uint Raw)
{
    public byte Manufacturer => (byte)Raw;

    public byte MemoryType => (byte)(Raw >> 8);

    public byte CapacityCode => (byte)(Raw >> 16);

    /// <summary>Device id as esptool prints it ("4016" = type 0x40, capacity 0x16).</summary>
    public ushort Device => (ushort)((MemoryType << 8) | CapacityCode);

    /// <summary>0xFFFFFF and 0x000000 mean the flash did not answer (bad wiring, unpowered flash).</summary>
    public bool LooksDisconnected => (Raw & 0xFF_FFFF) is 0xFF_FFFF or 0;

    /// <summary>Flash size in bytes from the capacity code, or null when the code is unknown.</summary>
    public uint? SizeBytes => CapacityCode switch
    {
        0x12 or 0x32 => 256 * 1024,
        0x13 or 0x33 => 512 * 1024,
        0x14 or 0x34 => Mb(1),
        0x15 or 0x35 => Mb(2),
        0x16 or 0x36 => Mb(4),
        0x17 or 0x37 => Mb(8),
        0x18 or 0x38 => Mb(16),
        0x19 or 0x39 => Mb(32),
        0x1A or 0x20 or 0x3A => Mb(64),
        0x1B or 0x21 => Mb(128),
        0x1C or 0x22 => Mb(256),
        _ => null,
    };

    public override string ToString() => $"manufacturer {Manufacturer:x2}, device {Device:x4}";

    /// <summary>The JEDEC id a flash of <paramref name="sizeBytes"/> from a Winbond-like vendor reports (simulator side).</summary>
    public static FlashId ForSize(uint sizeBytes, byte manufacturer = 0xEF, byte memoryType = 0x40)
    {
        int log2 = System.Numerics.BitOperations.Log2(sizeBytes);
        if (sizeBytes == 0 || (sizeBytes & (sizeBytes - 1)) != 0 || log2 < 18 || log2 > 28)
        {
            throw new ArgumentOutOfRangeException(nameof(sizeBytes), "Flash size must be a power of two from 256KB to 256MB.");
        }

        // Capacity code = log2(bytes) for the 0x12..0x19 range; larger parts use 0x20.. on many vendors.
        byte code = log2 <= 25 ? (byte)log2 : (byte)(0x20 + (log2 - 26));
        return new FlashId((uint)(manufacturer | (memoryType << 8) | (code << 16)));
    }

    private static uint Mb(uint n) => n * 1024 * 1024;
}
