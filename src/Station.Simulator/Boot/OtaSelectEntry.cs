using System.Buffers.Binary;

namespace Station.Simulator.Boot;

/// <summary>
/// One <c>esp_ota_select_entry_t</c> (esp-idf-images-and-efuse.md §2.6): 32 bytes at the start of
/// each of the two otadata sectors: ota_seq (u32), seq_label[20], ota_state (u32), crc (u32 = CRC32
/// of the four ota_seq bytes, <c>esp_rom_crc32_le(UINT32_MAX, …)</c>).
/// </summary>
public readonly record struct OtaSelectEntry(uint Sequence, uint State, uint Crc)
{
    public const int Length = 32;
    public const uint StateNew = 0;
    public const uint StatePendingVerify = 1;
    public const uint StateValid = 2;
    public const uint StateInvalid = 3;
    public const uint StateAborted = 4;
    public const uint StateUndefined = 0xFFFF_FFFF;

    /// <summary><c>bootloader_common_ota_select_invalid</c>: erased, or marked invalid/aborted (the CRC is not looked at).</summary>
    public bool IsInvalid => Sequence == uint.MaxValue || State is StateInvalid or StateAborted;

    /// <summary><c>bootloader_common_ota_select_valid</c>: not invalid and the CRC matches.</summary>
    public bool IsValid => !IsInvalid && Crc == CrcOf(Sequence);

    public static OtaSelectEntry Parse(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        BinaryPrimitives.ReadUInt32LittleEndian(bytes[24..]),
        BinaryPrimitives.ReadUInt32LittleEndian(bytes[28..]));

    /// <summary>What the bootloader writes to select a slot: seq, the label left erased, state, CRC.</summary>
    public static byte[] Build(uint sequence, uint state)
    {
        var bytes = new byte[Length];
        Array.Fill(bytes, (byte)0xFF);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24), state);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(28), CrcOf(sequence));
        return bytes;
    }

    /// <summary>CRC-32 (reflected 0xEDB88320, register 0, final XOR 0xFFFFFFFF) of the little-endian sequence: seq 1 → 0x4743989A.</summary>
    public static uint CrcOf(uint sequence)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, sequence);
        // esp_rom_crc32_le inverts its UINT32_MAX seed, so the register starts at 0.
        uint crc = 0;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1;
            }
        }

        return ~crc;
    }
}
