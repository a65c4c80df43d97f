using System.Buffers.Binary;
using System.Security.Cryptography;
using Station.Protocol.Chips;

namespace Station.Protocol.Images;

/// <summary>One segment to place in an image: its load address and bytes (length must be a multiple of 4).</summary>
public sealed record SegmentData(uint LoadAddress, byte[] Bytes);

/// <summary>
/// Builds ESP images in the documented layout (esp-idf-images-and-efuse.md §3): header, segments,
/// zero padding so the XOR checksum ends a 16-byte block, and the appended SHA-256. Used to make
/// structurally real demo and test images; the parser (<see cref="EspImage"/>) reads them back.
/// </summary>
public static class EspImageBuilder
{
    public static byte[] Build(ChipSpec chip, uint entry, IReadOnlyList<SegmentData> segments, byte flashMode = 0x02, byte flashSizeFrequency = 0x20)
    {
        if (segments.Count is 0 or > EspImage.MaxSegments)
        {
            throw new ArgumentException($"An image holds 1..{EspImage.MaxSegments} segments.", nameof(segments));
        }

        bool extended = chip.Rom != RomFamily.Esp8266;
        using var image = new MemoryStream();
        Span<byte> header = stackalloc byte[extended ? EspImage.ExtendedHeaderLength : EspImage.CommonHeaderLength];
        header.Clear();
        header[0] = EspImage.Magic;
        header[1] = (byte)segments.Count;
        header[2] = flashMode;
        header[3] = flashSizeFrequency;
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], entry);
        if (extended)
        {
            header[8] = 0xEE;                                                   // WP pin disabled
            BinaryPrimitives.WriteUInt16LittleEndian(header[12..], chip.ImageChipId ?? 0);
            BinaryPrimitives.WriteUInt16LittleEndian(header[17..], 0xFFFF);     // max chip revision: any
            header[23] = 1;                                                     // SHA-256 appended
        }

        image.Write(header);
        byte checksum = 0xEF;
        Span<byte> segmentHeader = stackalloc byte[8];
        foreach (var segment in segments)
        {
            if (segment.Bytes.Length % 4 != 0)
            {
                throw new ArgumentException($"Segment at 0x{segment.LoadAddress:X} is {segment.Bytes.Length} bytes, not a multiple of 4.", nameof(segments));
            }

            BinaryPrimitives.WriteUInt32LittleEndian(segmentHeader, segment.LoadAddress);
            BinaryPrimitives.WriteUInt32LittleEndian(segmentHeader[4..], (uint)segment.Bytes.Length);
            image.Write(segmentHeader);
            image.Write(segment.Bytes);
            foreach (byte b in segment.Bytes)
            {
                checksum ^= b;
            }
        }

        while (image.Length % 16 != 15)
        {
            image.WriteByte(0);
        }

        image.WriteByte(checksum);
        if (extended)
        {
            image.Write(SHA256.HashData(image.ToArray()));
        }

        return image.ToArray();
    }
}
