using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Station.Protocol.Chips;
using Station.Protocol.Images;
using Station.Simulator.Flash;

namespace Station.Simulator.Boot;

/// <summary>An app image the bootloader loaded: where, its header fields, and its descriptor when it has one.</summary>
public sealed record LoadedApp(uint Offset, byte FlashMode, byte FlashSizeCode, ushort MinChipRevisionFull, ushort MaxChipRevisionFull, AppDescriptor? Descriptor);

/// <summary>
/// The bootloader's load and verification of one app partition (IDF <c>esp_image_format.c</c>,
/// esp-idf-images-and-efuse.md §3, §4.5), in its order and with its messages: header magic, chip ID
/// and revision, segment count, each segment header (length, flash/MMU alignment of "map" segments)
/// with its <c>segment N: paddr=… vaddr=… size=…h (…) map|load</c> line, the XOR checksum, the
/// length against the partition, and the appended SHA-256.
/// </summary>
public static class AppImageLoad
{
    public const string Tag = "esp_image";
    public const string CommonTag = "boot_comm";

    private const int HeaderLength = EspImage.ExtendedHeaderLength;
    private const uint SixteenMb = 16 * 1024 * 1024;

    /// <summary>Bootloader load/hash speed from flash (real logs: ~2.5 MB/s at 40 MHz DIO, i.e. 2500 bytes per ms).</summary>
    private const double BytesPerMillisecond = 2500;

    /// <summary>Loads the image in <paramref name="partition"/>, logging as it goes; null when it is not bootable (the reason is logged).</summary>
    public static LoadedApp? Load(ChipSpec chip, NorFlash flash, PartitionTableEntry partition, BootTranscript log)
    {
        ArgumentNullException.ThrowIfNull(chip);
        ArgumentNullException.ThrowIfNull(flash);
        ArgumentNullException.ThrowIfNull(log);
        var facts = ChipBootFacts.For(chip);
        uint start = partition.Offset;
        byte[] header = ReadClamped(flash, start, HeaderLength);
        if (header[0] != EspImage.Magic)
        {
            log.Error(Tag, Format($"image at 0x{start:x} has invalid magic byte (nothing flashed here?)"));
            return null;
        }

        if (!ChipIsValid(chip, header, log))
        {
            return null;
        }

        int count = header[1];
        if (count > EspImage.MaxSegments)
        {
            log.Error(Tag, Format($"image at 0x{start:x} segment count {count} exceeds max {EspImage.MaxSegments}"));
            return null;
        }

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(header);
        byte checksum = 0xEF;
        uint next = start + HeaderLength;
        byte[]? firstSegment = null;
        for (int i = 0; i < count; i++)
        {
            byte[] segmentHeader = ReadClamped(flash, next, 8);
            sha.AppendData(segmentHeader);
            uint load = BinaryPrimitives.ReadUInt32LittleEndian(segmentHeader);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(segmentHeader.AsSpan(4));
            uint dataAt = next + 8;
            if (length % 4 != 0 || length >= SixteenMb)
            {
                log.Error(Tag, Format($"invalid segment length 0x{length:x}"));
                return null;
            }

            bool map = facts.Maps(load);
            if (map && dataAt % ChipBootFacts.MmuPageSize != load % ChipBootFacts.MmuPageSize)
            {
                log.Error(Tag, Format($"Segment {i} load address 0x{load:x8}, doesn't match data 0x{dataAt:x8}"));
                return null;
            }

            // RAM at or above 0x10000000 is loaded; lower addresses (0 = padding) are skipped and print no kind.
            string kind = map ? "map" : load >= 0x1000_0000 ? "load" : "";
            log.Info(Tag, Format($"segment {i}: paddr={dataAt:x8} vaddr={load:x8} size={length:x5}h ({length,6}) {kind}"));
            byte[] data = ReadClamped(flash, dataAt, (int)length);
            log.Work(TimeSpan.FromMilliseconds(length / BytesPerMillisecond));
            sha.AppendData(data);
            foreach (byte b in data)
            {
                checksum ^= b;
            }

            firstSegment ??= data;
            next = dataAt + length;
        }

        // The checksum byte ends the 16-byte block the segments end in.
        uint checksumAt = next | 0xF;
        byte[] tail = ReadClamped(flash, next, (int)(checksumAt - next + 1));
        sha.AppendData(tail);
        byte stored = tail[^1];
        if (stored != checksum)
        {
            log.Error(Tag, Format($"Checksum failed. Calculated 0x{checksum:x} read 0x{stored:x}"));
            return null;
        }

        bool hashAppended = header[23] == 1;
        uint imageLength = checksumAt + 1 - start + (hashAppended ? (uint)EspImage.HashLength : 0);
        if (imageLength > partition.Size)
        {
            log.Error(Tag, Format($"Image length {imageLength} doesn't fit in partition length {partition.Size}"));
            return null;
        }

        if (hashAppended)
        {
            byte[] storedHash = ReadClamped(flash, checksumAt + 1, EspImage.HashLength);
            if (!sha.GetHashAndReset().AsSpan().SequenceEqual(storedHash))
            {
                log.Error(Tag, "Image hash failed - image is corrupt");
                return null;
            }
        }

        AppDescriptor? descriptor = firstSegment is not null && AppDescriptor.TryParse(firstSegment, out var parsed) ? parsed : null;
        return new LoadedApp(start, header[2], (byte)(header[3] & 0xF0), BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(15)),
            BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(17)), descriptor);
    }

    /// <summary><c>bootloader_common_check_chip_validity</c> for an application image.</summary>
    private static bool ChipIsValid(ChipSpec chip, byte[] header, BootTranscript log)
    {
        ushort expected = chip.ImageChipId ?? 0;
        ushort found = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(12));
        if (expected != found)
        {
            log.Error(CommonTag, Format($"mismatch chip ID, expected {expected}, found {found}"));
            return false;
        }

        int revision = ChipBootFacts.ChipRevisionFull;
        int min = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(15));
        int max = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(17));
        if (revision < min)
        {
            log.Error(CommonTag, $"Image requires chip rev >= {ChipBootFacts.Revision(min)}, but chip is {ChipBootFacts.Revision(revision)}");
            return false;
        }

        if (max is not 0 and not 0xFFFF && revision > max)
        {
            log.Error(CommonTag, $"Image requires chip rev <= {ChipBootFacts.Revision(max)}, but chip is {ChipBootFacts.Revision(revision)}");
            return false;
        }

        return true;
    }

    /// <summary>Reads flash; bytes past its end read as erased.</summary>
    internal static byte[] ReadClamped(NorFlash flash, uint address, int length)
    {
        var bytes = new byte[length];
        bytes.AsSpan().Fill(0xFF);
        if (address < flash.Size)
        {
            int available = (int)Math.Min(length, flash.Size - address);
            flash.Read(address, bytes.AsSpan(0, available));
        }

        return bytes;
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
