using System.Globalization;

namespace Station.Protocol.Images;

/// <summary>
/// Partition type byte (esp-idf-images-and-efuse.md §2.4). Values 0x40–0xFE are custom types; the
/// enum holds them too.
/// </summary>
public enum PartitionType : byte
{
    App = 0x00,
    Data = 0x01,

    /// <summary>Known to gen_esp32part from IDF v5.4.</summary>
    Bootloader = 0x02,

    /// <summary>Known to gen_esp32part from IDF v5.4.</summary>
    PartitionTable = 0x03,
}

/// <summary>Subtype bytes, whose meaning depends on the type (§2.4).</summary>
public static class PartitionSubtype
{
    // type app
    public const byte Factory = 0x00;
    public const byte Ota0 = 0x10;
    public const byte Ota15 = 0x1F;
    public const byte Test = 0x20;

    // type data
    public const byte OtaData = 0x00;
    public const byte Phy = 0x01;
    public const byte Nvs = 0x02;
    public const byte CoreDump = 0x03;
    public const byte NvsKeys = 0x04;
    public const byte Efuse = 0x05;
    public const byte Undefined = 0x06;
    public const byte EspHttpd = 0x80;
    public const byte Fat = 0x81;
    public const byte Spiffs = 0x82;
    public const byte LittleFs = 0x83;

    /// <summary>The app subtype of OTA slot <paramref name="slot"/> (0–15).</summary>
    public static byte Ota(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(slot, 15);
        return (byte)(Ota0 + slot);
    }
}

/// <summary>Entry flags (bit 0 encrypted; bit 1 readonly since IDF v5.2).</summary>
[Flags]
public enum PartitionFlags : uint
{
    None = 0,
    Encrypted = 1,
    Readonly = 2,
}

/// <summary>
/// One 32-byte row of an ESP-IDF partition table (§2.2): magic 0x50AA, type, subtype, offset,
/// size, a 16-byte NUL-padded label, flags.
/// </summary>
public readonly record struct PartitionTableEntry(PartitionType Type, byte Subtype, uint Offset, uint Size, string Label, PartitionFlags Flags = PartitionFlags.None)
{
    /// <summary>Label bytes including the terminating NUL.</summary>
    public const int LabelLength = 16;

    public bool IsApp => Type == PartitionType.App;

    /// <summary>An app partition with an OTA subtype (ota_0 … ota_15).</summary>
    public bool IsOtaApp => Type == PartitionType.App && (Subtype & 0xF0) == PartitionSubtype.Ota0;

    /// <summary>The OTA slot of an OTA app partition (subtype &amp; 0x0F).</summary>
    public int OtaSlot => IsOtaApp ? Subtype & 0x0F : throw new InvalidOperationException($"{Label} is not an OTA app partition.");

    /// <summary>The bootloader's "Usage" column for this entry (see <see cref="PartitionTableUsage"/>).</summary>
    public string Usage => PartitionTableUsage.For(Type, Subtype);

    public uint End => Offset + Size;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Label} ({Usage}) 0x{Offset:x}+0x{Size:x}");
}
