namespace Station.DeviceData.Nvs;

/// <summary>
/// A partition size the reference generator accepts (nvs-format.md §7.4, §11): a multiple of 4096, at least
/// 0x1000; below 0x3000 the partition is read-only, has no reserved page, and the image holds only used pages.
/// </summary>
public sealed record NvsPartitionSize
{
    /// <summary>The notice the generator prints for read-only sizes, then carries on.</summary>
    public const string ReadOnlyNotice =
        "Minimum partition size for read/write NVS is 0x3000 bytes. Partitions smaller than this must be flagged as \"readonly\" in the partition table CSV.";

    /// <summary>The largest size this encoder builds in memory.</summary>
    public const long MaxBytes = 0x4000_0000;

    private NvsPartitionSize(int bytes)
    {
        Bytes = bytes;
        ReadOnly = bytes - NvsPageLayout.PageSize < 2 * NvsPageLayout.PageSize;
    }

    public int Bytes { get; }

    public int Pages => Bytes / NvsPageLayout.PageSize;

    /// <summary>Below 0x3000: no reserved page, and the generator's image stops after the last used page.</summary>
    public bool ReadOnly { get; }

    /// <summary>Pages data may use: all of them when read-only, else all but the reserved last page.</summary>
    public int DataPages => ReadOnly ? Pages : Pages - 1;

    /// <summary>Checks a size with the generator's rules and messages, in its order.</summary>
    public static NvsPartitionSize From(long bytes)
    {
        if (bytes % NvsPageLayout.PageSize != 0)
        {
            throw new NvsException(new NvsError(NvsErrorCodes.SizeNotPageMultiple, "Size of partition must be multiple of 4096"));
        }

        if (bytes < NvsPageLayout.PageSize)
        {
            throw new NvsException(new NvsError(
                NvsErrorCodes.SizeTooSmall,
                "Minimum partition size for read/write NVS is 0x3000 bytes and for read-only NVS is 0x1000 bytes."));
        }

        if (bytes > MaxBytes)
        {
            throw new NvsException(new NvsError(NvsErrorCodes.SizeTooLarge, $"Size 0x{bytes:X} is larger than this encoder builds (0x{MaxBytes:X} bytes)."));
        }

        return new NvsPartitionSize((int)bytes);
    }

    /// <summary>The smallest read/write size (0x3000 or more) whose data pages hold this many used pages.</summary>
    public static long Needed(int usedPages) => Math.Max(usedPages + 1, 3) * (long)NvsPageLayout.PageSize;

    public override string ToString() => $"0x{Bytes:X}";
}
