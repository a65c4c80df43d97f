using System.Security.Cryptography;
using Station.Flashing.Errors;
using Station.Protocol.Chips;
using Station.Protocol.Images;

namespace Station.Flashing.Write;

/// <summary>An image to place in flash, as the user gave it.</summary>
public sealed record ImageSource(uint Address, byte[] Bytes, string Name)
{
    /// <summary>Reads <paramref name="path"/>; an unreadable or empty file is an error naming the file.</summary>
    public static ImageSource FromFile(uint address, string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new FlashException(FlashErrors.FileUnreadable(path, e.Message), e);
        }

        return new ImageSource(address, bytes, path);
    }
}

/// <summary>
/// One region ready to write: patched (bootloader header), padded to 4 bytes, hashed and compressed.
/// Immutable and independent of the unit, so a job prepares it once and reuses it for every unit.
/// </summary>
public sealed record PreparedRegion
{
    public required int Index { get; init; }
    public required uint Address { get; init; }
    public required string Name { get; init; }

    /// <summary>The bytes that must end up in flash.</summary>
    public required byte[] Data { get; init; }

    /// <summary>Lower-case hex MD5 of <see cref="Data"/>, compared with the device's digest.</summary>
    public required string Md5 { get; init; }

    /// <summary>SHA-256 of the source file as given (before patching), for traceability.</summary>
    public required string SourceSha256 { get; init; }

    private Lazy<CompressedImage>? _compressed;

    /// <summary>
    /// The whole region as one compressed stream; null for a plan made without compression. A region with erased runs
    /// is written span by span, so its whole stream is made only if something asks for it (the bench's limit).
    /// </summary>
    public CompressedImage? Compressed
    {
        get => _compressed?.Value;
        init => _compressed = value is null ? _compressed : new Lazy<CompressedImage>(() => value);
    }

    /// <summary>Makes <see cref="Compressed"/> on first use.</summary>
    public Func<CompressedImage>? CompressWhenAsked
    {
        init => _compressed = value is null ? _compressed : new Lazy<CompressedImage>(value);
    }

    /// <summary>Whether the plan compressed this region (without making a stream that was put off).</summary>
    public bool IsCompressed => _compressed is not null;

    /// <summary>
    /// How the region is written when compressed: its data spans (each compressed once per job) and the runs of whole
    /// erased sectors between them (at least <see cref="FlashPlan.MinErasedRun"/> bytes of 0xFF), which are erased
    /// rather than programmed — the flash then holds the same bytes. One data span when there is no such run.
    /// </summary>
    public IReadOnlyList<RegionSpan> Spans { get; init; } = [];

    /// <summary>True when flash mode/frequency/size were written into the bootloader header.</summary>
    public bool HeaderPatched { get; init; }

    public uint End => Address + (uint)Data.Length;
}

/// <summary>A part of a region: data to write, or a run of whole sectors that must end up erased (all 0xFF).</summary>
/// <param name="Offset">Offset within the region (sector-aligned for erased spans).</param>
/// <param name="Compressed">The span's data compressed (data spans of a compressed plan), else null.</param>
/// <param name="Md5">Lower-case hex MD5 of the span's bytes (for an erased span: of that many 0xFF bytes).</param>
public sealed record RegionSpan(int Offset, int Length, bool Erased, CompressedImage? Compressed, string Md5)
{
    public uint AddressIn(PreparedRegion region) => region.Address + (uint)Offset;
}

/// <summary>The regions of one flashing job, validated against each other.</summary>
public sealed record FlashPlan(IReadOnlyList<PreparedRegion> Regions)
{
    private const uint SectorSize = 0x1000;

    /// <summary>The shortest run of erased sectors worth erasing instead of programming (one 64 KiB erase block).</summary>
    public const int MinErasedRun = 0x1_0000;

    /// <summary>
    /// Validates and prepares the images: sector-aligned, non-empty, non-overlapping; bootloader header
    /// patched for <paramref name="chip"/> when settings say so; padded; hashed; compressed when asked.
    /// Everything here is known before a byte is written, so every problem is reported up front.
    /// <paramref name="effort"/>: a job that writes its images to many units compresses them with
    /// <see cref="CompressionEffort.Smallest"/>; data made for one unit is better served by <see cref="CompressionEffort.Fast"/>.
    /// </summary>
    public static FlashPlan Prepare(IReadOnlyList<ImageSource> images, ChipSpec chip, FlashSettings settings, bool compress,
        CompressionEffort effort = CompressionEffort.Fast, CancellationToken cancellationToken = default)
    {
        var problems = settings.Validate(chip);
        if (problems.Count > 0)
        {
            throw new FlashException(FlashErrors.InvalidFlashSettings(string.Join("; ", problems)));
        }

        Validate(images);
        var regions = new List<PreparedRegion>(images.Count);
        for (int i = 0; i < images.Count; i++)
        {
            regions.Add(PrepareRegion(i, images[i], chip, settings, compress ? effort : null, cancellationToken));
        }

        return new FlashPlan(regions);
    }

    /// <summary>
    /// The checks that need no chip: every image non-empty and on a sector boundary, and no two overlapping.
    /// Run before connecting so bad input is refused before anything happens on the line.
    /// </summary>
    public static void Validate(IReadOnlyList<ImageSource> images)
    {
        foreach (var image in images)
        {
            if (image.Bytes.Length == 0)
            {
                throw new FlashException(FlashErrors.FileEmpty(image.Name));
            }

            if (image.Address % SectorSize != 0)
            {
                throw new FlashException(FlashErrors.AddressUnaligned(image.Address, image.Name));
            }
        }

        var ordered = images.OrderBy(i => i.Address).ToList();
        for (int i = 1; i < ordered.Count; i++)
        {
            var previous = ordered[i - 1];
            uint previousEnd = previous.Address + (uint)Pad4(previous.Bytes.Length);
            if (ordered[i].Address < previousEnd)
            {
                throw new FlashException(FlashErrors.RegionsOverlap(previous.Name, previousEnd, ordered[i].Name, ordered[i].Address));
            }
        }
    }

    /// <summary>Refuses a plan that would run past the end of a flash of <paramref name="flashSize"/> bytes.</summary>
    public void CheckFits(uint flashSize)
    {
        foreach (var region in Regions)
        {
            if ((ulong)region.Address + (ulong)region.Data.Length > flashSize)
            {
                throw new FlashException(FlashErrors.ImageTooLarge(region.Name, region.Address, region.Data.Length, flashSize));
            }
        }
    }

    private static PreparedRegion PrepareRegion(int index, ImageSource image, ChipSpec chip, FlashSettings settings, CompressionEffort? effort,
        CancellationToken cancellationToken)
    {
        byte[] patched = BootloaderPatch.Apply(image.Bytes, image.Address, chip, settings) ?? image.Bytes;
        byte[] data = patched;
        int padded = Pad4(patched.Length);
        if (padded != patched.Length)
        {
            data = new byte[padded];
            patched.CopyTo(data, 0);
            data.AsSpan(patched.Length).Fill(0xFF);
        }

        string md5 = Convert.ToHexStringLower(MD5.HashData(data));
        var spans = Split(data, image.Address, effort, md5, cancellationToken);
        var whole = spans is [{ Erased: false } only] ? only.Compressed : null;
        return new PreparedRegion
        {
            Index = index,
            Address = image.Address,
            Name = image.Name,
            Data = data,
            Md5 = md5,
            SourceSha256 = Convert.ToHexStringLower(SHA256.HashData(image.Bytes)),
            Compressed = whole,
            CompressWhenAsked = whole is null && effort is { } e ? () => CompressedImage.Compress(data, e) : null,
            Spans = spans,
            HeaderPatched = !ReferenceEquals(patched, image.Bytes),
        };
    }

    /// <summary>
    /// Cuts a region at runs of at least <see cref="MinErasedRun"/> bytes of whole erased sectors (a merged factory image
    /// is mostly such gaps): the data between them becomes spans compressed on their own, the runs erased spans.
    /// </summary>
    private static IReadOnlyList<RegionSpan> Split(byte[] data, uint address, CompressionEffort? effort, string md5, CancellationToken cancellationToken)
    {
        var runs = new List<(int Start, int End)>();
        int firstSector = (int)((SectorSize - (address % SectorSize)) % SectorSize);
        int runStart = -1;
        for (int at = firstSector; ; at += (int)SectorSize)
        {
            bool erased = at + SectorSize <= data.Length && !data.AsSpan(at, (int)SectorSize).ContainsAnyExcept((byte)0xFF);
            if (erased && runStart < 0)
            {
                runStart = at;
            }
            else if (!erased && runStart >= 0)
            {
                if (at - runStart >= MinErasedRun)
                {
                    runs.Add((runStart, at));
                }

                runStart = -1;
            }

            if (at + SectorSize > data.Length)
            {
                break;
            }
        }

        if (runs.Count == 0)
        {
            return [new RegionSpan(0, data.Length, Erased: false, effort is { } e ? CompressedImage.Compress(data, e, cancellationToken) : null, md5)];
        }

        var spans = new List<RegionSpan>();
        int next = 0;
        foreach (var (start, end) in runs)
        {
            if (start > next)
            {
                spans.Add(DataSpan(data, next, start - next, effort, cancellationToken));
            }

            spans.Add(new RegionSpan(start, end - start, Erased: true, null, Convert.ToHexStringLower(MD5.HashData(data.AsSpan(start, end - start)))));
            next = end;
        }

        if (next < data.Length)
        {
            spans.Add(DataSpan(data, next, data.Length - next, effort, cancellationToken));
        }

        return spans;
    }

    private static RegionSpan DataSpan(byte[] data, int offset, int length, CompressionEffort? effort, CancellationToken cancellationToken)
    {
        var bytes = data.AsSpan(offset, length);
        return new RegionSpan(offset, length, Erased: false, effort is { } e ? CompressedImage.Compress(bytes, e, cancellationToken) : null, Convert.ToHexStringLower(MD5.HashData(bytes)));
    }

    private static int Pad4(int length) => (length + 3) & ~3;
}
