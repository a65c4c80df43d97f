using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Station.Protocol.Images;

/// <summary>
/// An ESP-IDF partition table (esp-idf-images-and-efuse.md §2): 32-byte entries, an optional MD5
/// row (0xEBEB + 14 × 0xFF + MD5 of the entries before it) and an end marker, in the 0xC00 bytes
/// at 0x8000. <see cref="Verify"/> applies the 2nd-stage bootloader's own checks with its messages;
/// <see cref="ToBytes"/> writes what gen_esp32part writes (0xC00 bytes, 0xFF-padded).
/// </summary>
public sealed class PartitionTable
{
    public const uint DefaultOffset = 0x8000;

    /// <summary>The table's bytes; the bootloader maps this much and gen_esp32part pads to it.</summary>
    public const int MaxLength = 0xC00;

    public const int RowLength = 32;
    public const int MaxRows = MaxLength / RowLength;
    public const ushort EntryMagic = 0x50AA;
    public const ushort Md5Magic = 0xEBEB;

    /// <summary>Offset of the digest inside the MD5 row (<c>ESP_PARTITION_MD5_OFFSET</c>).</summary>
    public const int Md5DigestOffset = 16;

    /// <summary>Longest label: 16 bytes including the terminating NUL.</summary>
    public const int MaxLabelLength = PartitionTableEntry.LabelLength - 1;

    public PartitionTable(IEnumerable<PartitionTableEntry> entries, bool hasMd5 = true)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = entries.ToArray();
        HasMd5 = hasMd5;
    }

    public IReadOnlyList<PartitionTableEntry> Entries { get; }

    /// <summary>Whether the table carries the MD5 row (gen_esp32part's default).</summary>
    public bool HasMd5 { get; }

    /// <summary>
    /// The built-in "Single factory app, no OTA" table (§2.5): nvs 0x9000/0x6000, phy_init
    /// 0xF000/0x1000, factory 0x10000/<paramref name="appSize"/> (1M by default).
    /// </summary>
    public static PartitionTable SingleFactoryApp(uint appSize = 0x10_0000) => new(
    [
        new(PartitionType.Data, PartitionSubtype.Nvs, 0x9000, 0x6000, "nvs"),
        new(PartitionType.Data, PartitionSubtype.Phy, 0xF000, 0x1000, "phy_init"),
        new(PartitionType.App, PartitionSubtype.Factory, 0x1_0000, appSize, "factory"),
    ]);

    /// <summary>
    /// The built-in "Factory app, two OTA definitions" table (§2.5): nvs 0x9000/0x4000, otadata
    /// 0xD000/0x2000, phy_init 0xF000/0x1000, factory 0x10000/1M, ota_0 0x110000/1M, ota_1 0x210000/1M.
    /// </summary>
    public static PartitionTable FactoryAppTwoOta() => new(
    [
        new(PartitionType.Data, PartitionSubtype.Nvs, 0x9000, 0x4000, "nvs"),
        new(PartitionType.Data, PartitionSubtype.OtaData, 0xD000, 0x2000, "otadata"),
        new(PartitionType.Data, PartitionSubtype.Phy, 0xF000, 0x1000, "phy_init"),
        new(PartitionType.App, PartitionSubtype.Factory, 0x1_0000, 0x10_0000, "factory"),
        new(PartitionType.App, PartitionSubtype.Ota(0), 0x11_0000, 0x10_0000, "ota_0"),
        new(PartitionType.App, PartitionSubtype.Ota(1), 0x21_0000, 0x10_0000, "ota_1"),
    ]);

    /// <summary>The first entry of the given type and subtype, or null.</summary>
    public PartitionTableEntry? Find(PartitionType type, byte subtype)
    {
        foreach (var entry in Entries)
        {
            if (entry.Type == type && entry.Subtype == subtype)
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>
    /// Checks <paramref name="data"/> (the bytes at the table offset, up to 0xC00 are looked at) as
    /// <c>esp_partition_table_verify</c> does, against <paramref name="flashSize"/> (the size in the
    /// bootloader's header). Returns the table, or the first failure with the bootloader's message.
    /// </summary>
    public static PartitionTableVerification Verify(ReadOnlySpan<byte> data, uint flashSize = uint.MaxValue)
    {
        var entries = new List<PartitionTableEntry>();
        bool md5Found = false;
        int rows = Math.Min(MaxRows, data.Length / RowLength);
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<byte> bytes = data.Slice(row * RowLength, RowLength);
            ushort magic = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
            if (magic == EntryMagic)
            {
                var entry = ReadEntry(bytes);

                // The bootloader adds in 32 bits; a sum that wraps passes its check, so it passes here too.
                if (entry.Offset > flashSize || unchecked(entry.Offset + entry.Size) > flashSize)
                {
                    return Fail(PartitionTableFault.ExceedsFlashSize, row,
                        $"partition {row} invalid - offset 0x{entry.Offset:x} size 0x{entry.Size:x} exceeds flash chip size 0x{flashSize:x}");
                }

                entries.Add(entry);
            }
            else if (magic == Md5Magic)
            {
                if (md5Found)
                {
                    return Fail(PartitionTableFault.DuplicateMd5, row, "Only one MD5 checksum is allowed");
                }

                byte[] digest = MD5.HashData(data[..(row * RowLength)]);
                if (!bytes.Slice(Md5DigestOffset, 16).SequenceEqual(digest))
                {
                    return Fail(PartitionTableFault.Md5Mismatch, row, "Incorrect MD5 checksum");
                }

                md5Found = true;
            }
            else if (magic == 0xFFFF && bytes[2] == 0xFF && bytes[3] == 0xFF)
            {
                return new PartitionTableVerification(new PartitionTable(entries, md5Found), null);
            }
            else
            {
                return Fail(PartitionTableFault.InvalidMagic, row, $"partition {row} invalid magic number 0x{magic:x}");
            }
        }

        return Fail(PartitionTableFault.NoTerminatingEntry, rows, "partition table has no terminating entry, not valid");
    }

    /// <summary>Parses a table; throws <see cref="ProtocolException"/> with the bootloader's message when it is invalid.</summary>
    public static PartitionTable Parse(ReadOnlySpan<byte> data, uint flashSize = uint.MaxValue)
    {
        var result = Verify(data, flashSize);
        return result.Table ?? throw new ProtocolException(ProtocolFault.MalformedImage, $"Not a valid partition table: {result.Error!.Message}.");
    }

    /// <summary>
    /// The binary gen_esp32part writes: the entries, the MD5 row (when <see cref="HasMd5"/>) and 0xFF
    /// up to 0xC00 bytes. Throws <see cref="ArgumentException"/> for a table gen_esp32part would refuse.
    /// </summary>
    public byte[] ToBytes()
    {
        var problems = Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid partition table: {string.Join("; ", problems)}.");
        }

        var table = new byte[MaxLength];
        Array.Fill(table, (byte)0xFF);
        for (int i = 0; i < Entries.Count; i++)
        {
            WriteEntry(Entries[i], table.AsSpan(i * RowLength, RowLength));
        }

        if (HasMd5)
        {
            int at = Entries.Count * RowLength;
            BinaryPrimitives.WriteUInt16LittleEndian(table.AsSpan(at), Md5Magic);
            MD5.HashData(table.AsSpan(0, at), table.AsSpan(at + Md5DigestOffset, 16));
        }

        return table;
    }

    /// <summary>What gen_esp32part would reject (§2.5): labels, room for the end marker, alignment, overlaps.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Entries.Count == 0)
        {
            problems.Add("a table needs at least one entry");
        }

        // The entries, the MD5 row and an end marker must fit in 0xC00 bytes.
        int rows = Entries.Count + (HasMd5 ? 1 : 0);
        if (rows * RowLength >= MaxLength)
        {
            problems.Add($"{Entries.Count} entries do not leave room for the end marker in 0x{MaxLength:X} bytes");
        }

        foreach (var entry in Entries)
        {
            if (string.IsNullOrEmpty(entry.Label) || Encoding.ASCII.GetByteCount(entry.Label) > MaxLabelLength || entry.Label.Any(c => c is < ' ' or > '~'))
            {
                problems.Add($"label '{entry.Label}' must be 1..{MaxLabelLength} printable ASCII characters");
            }

            uint alignment = entry.Type == PartitionType.App ? 0x1_0000u : 0x1000u;
            if (entry.Offset % alignment != 0)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{entry.Label} at 0x{entry.Offset:x} is not aligned to 0x{alignment:x}"));
            }

            if (entry.Size == 0 || (ulong)entry.Offset + entry.Size > uint.MaxValue)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{entry.Label} has an invalid size 0x{entry.Size:x}"));
            }
        }

        var sorted = Entries.OrderBy(e => e.Offset).ToArray();
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Offset < sorted[i - 1].End)
            {
                problems.Add($"{sorted[i].Label} overlaps {sorted[i - 1].Label}");
            }
        }

        return problems;
    }

    private static PartitionTableVerification Fail(PartitionTableFault fault, int row, string message) =>
        new(null, new PartitionTableError(fault, row, message));

    private static PartitionTableEntry ReadEntry(ReadOnlySpan<byte> row)
    {
        ReadOnlySpan<byte> label = row.Slice(12, PartitionTableEntry.LabelLength);
        int end = label.IndexOf((byte)0);
        return new PartitionTableEntry(
            (PartitionType)row[2],
            row[3],
            BinaryPrimitives.ReadUInt32LittleEndian(row[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(row[8..]),
            Encoding.Latin1.GetString(end < 0 ? label : label[..end]),
            (PartitionFlags)BinaryPrimitives.ReadUInt32LittleEndian(row[28..]));
    }

    private static void WriteEntry(PartitionTableEntry entry, Span<byte> row)
    {
        row.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(row, EntryMagic);
        row[2] = (byte)entry.Type;
        row[3] = entry.Subtype;
        BinaryPrimitives.WriteUInt32LittleEndian(row[4..], entry.Offset);
        BinaryPrimitives.WriteUInt32LittleEndian(row[8..], entry.Size);
        Encoding.ASCII.GetBytes(entry.Label, row.Slice(12, PartitionTableEntry.LabelLength));
        BinaryPrimitives.WriteUInt32LittleEndian(row[28..], (uint)entry.Flags);
    }
}

/// <summary>The outcome of <see cref="PartitionTable.Verify"/>: exactly one of the two is set.</summary>
public sealed record PartitionTableVerification(PartitionTable? Table, PartitionTableError? Error)
{
    public bool IsValid => Table is not null;
}
