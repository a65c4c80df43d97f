using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Station.Protocol.Images;

/// <summary>One segment of an ESP app or bootloader image.</summary>
public readonly record struct ImageSegment(uint LoadAddress, int DataOffset, int Length);

/// <summary>
/// A parsed ESP image (esp-idf-images-and-efuse.md §3): header, segments, the XOR checksum that ends
/// a 16-byte block, and the optional appended SHA-256. Offsets refer to the parsed buffer.
/// </summary>
public sealed record EspImage
{
    public const byte Magic = 0xE9;
    public const int CommonHeaderLength = 8;
    public const int ExtendedHeaderLength = 24;
    public const int MaxSegments = 16;
    public const int HashLength = 32;

    public required int SegmentCount { get; init; }
    public required byte FlashMode { get; init; }
    public required byte FlashSizeFrequency { get; init; }
    public required uint Entry { get; init; }

    /// <summary>ESP32-family images carry a 16-byte extended header after the common 8 bytes.</summary>
    public required bool HasExtendedHeader { get; init; }

    public ushort? ChipId { get; init; }
    public byte MinChipRevision { get; init; }
    public ushort MinChipRevisionFull { get; init; }
    public ushort MaxChipRevisionFull { get; init; }
    public bool HashAppended { get; init; }

    public required IReadOnlyList<ImageSegment> Segments { get; init; }

    /// <summary>Offset of the checksum byte (the last byte of a 16-byte-aligned block).</summary>
    public required int ChecksumOffset { get; init; }
    public required byte StoredChecksum { get; init; }
    public required byte ComputedChecksum { get; init; }

    /// <summary>Length of the image including the appended hash when present.</summary>
    public required int Length { get; init; }

    public bool ChecksumValid => StoredChecksum == ComputedChecksum;

    /// <summary>Offset of the appended SHA-256 (right after the checksum block).</summary>
    public int HashOffset => ChecksumOffset + 1;

    public byte FlashSizeCode => (byte)(FlashSizeFrequency & 0xF0);

    public byte FlashFrequencyCode => (byte)(FlashSizeFrequency & 0x0F);

    /// <summary>Parses an image; throws <see cref="ProtocolException"/> naming what is wrong.</summary>
    /// <param name="data">The image bytes (may be followed by padding).</param>
    /// <param name="extendedHeader">True for ESP32-family images, false for ESP8266 (v1) images.</param>
    public static EspImage Parse(ReadOnlySpan<byte> data, bool extendedHeader)
    {
        int headerLength = extendedHeader ? ExtendedHeaderLength : CommonHeaderLength;
        if (data.Length < headerLength)
        {
            throw Bad($"image is {data.Length} bytes, shorter than its {headerLength}-byte header");
        }

        if (data[0] != Magic)
        {
            throw Bad($"first byte is 0x{data[0]:X2}, not the image magic 0xE9");
        }

        int count = data[1];
        if (count is 0 or > MaxSegments)
        {
            throw Bad($"segment count {count} is outside 1..{MaxSegments}");
        }

        byte hashFlag = extendedHeader ? data[23] : (byte)0;
        if (hashFlag > 1)
        {
            throw Bad($"hash-appended flag is {hashFlag}, expected 0 or 1");
        }

        var segments = new List<ImageSegment>(count);
        int offset = headerLength;
        byte checksum = DataChecksumSeed;
        for (int i = 0; i < count; i++)
        {
            if (offset + 8 > data.Length)
            {
                throw Bad($"segment {i} header at 0x{offset:X} runs past the end of the image");
            }

            uint load = BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(data[(offset + 4)..]);
            int dataOffset = offset + 8;
            if (length > (uint)(data.Length - dataOffset))
            {
                throw Bad($"segment {i} claims {length} bytes at 0x{dataOffset:X}, past the end of the image");
            }

            segments.Add(new ImageSegment(load, dataOffset, (int)length));
            checksum = XorFold(checksum, data.Slice(dataOffset, (int)length));
            offset = dataOffset + (int)length;
        }

        // The checksum byte is the last byte of the 16-byte block the segments end in.
        int checksumOffset = offset | 0xF;
        if (checksumOffset >= data.Length)
        {
            throw Bad("image ends before its checksum byte");
        }

        int imageLength = checksumOffset + 1 + (hashFlag == 1 ? HashLength : 0);
        if (imageLength > data.Length)
        {
            throw Bad("image declares an appended SHA-256 but ends before it");
        }

        return new EspImage
        {
            SegmentCount = count,
            FlashMode = data[2],
            FlashSizeFrequency = data[3],
            Entry = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]),
            HasExtendedHeader = extendedHeader,
            ChipId = extendedHeader ? BinaryPrimitives.ReadUInt16LittleEndian(data[12..]) : null,
            MinChipRevision = extendedHeader ? data[14] : (byte)0,
            MinChipRevisionFull = extendedHeader ? BinaryPrimitives.ReadUInt16LittleEndian(data[15..]) : (ushort)0,
            MaxChipRevisionFull = extendedHeader ? BinaryPrimitives.ReadUInt16LittleEndian(data[17..]) : (ushort)0,
            HashAppended = hashFlag == 1,
            Segments = segments,
            ChecksumOffset = checksumOffset,
            StoredChecksum = data[checksumOffset],
            ComputedChecksum = checksum,
            Length = imageLength,
        };
    }

    /// <summary>True when <paramref name="data"/> parses as an image whose checksum is right.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, bool extendedHeader, out EspImage? image)
    {
        try
        {
            image = Parse(data, extendedHeader);
            return true;
        }
        catch (ProtocolException)
        {
            image = null;
            return false;
        }
    }

    /// <summary>Whether the appended SHA-256 matches the bytes it covers.</summary>
    public bool HashValid(ReadOnlySpan<byte> data) =>
        HashAppended && SHA256.HashData(data[..(ChecksumOffset + 1)]).AsSpan().SequenceEqual(data.Slice(HashOffset, HashLength));

    private const byte DataChecksumSeed = 0xEF;

    private static byte XorFold(byte seed, ReadOnlySpan<byte> bytes)
    {
        byte acc = seed;
        foreach (byte b in bytes)
        {
            acc ^= b;
        }

        return acc;
    }

    private static ProtocolException Bad(string what) => new(ProtocolFault.MalformedImage, $"Not a valid ESP image: {what}.");
}
