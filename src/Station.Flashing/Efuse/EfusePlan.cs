namespace Station.Flashing.Efuse;

/// <summary>
/// What one BLOCK3 burn will do, decided before anything is written. <see cref="Burn"/> and
/// <see cref="ExpectedAfter"/> are in data form (what RDATA shows); <see cref="Wdata"/> is what goes
/// into EFUSE_BLK3_WDATA0..7 (the 3/4-encoded form under that coding scheme).
/// </summary>
public sealed record EfusePlan
{
    public required EfuseCodingScheme CodingScheme { get; init; }

    public required EfuseWords Before { get; init; }

    /// <summary>The fuse bits this burn sets (zero when the block already holds the wanted value).</summary>
    public required EfuseWords Burn { get; init; }

    public required EfuseWords Wdata { get; init; }

    public required EfuseWords ExpectedAfter { get; init; }

    public bool NothingToBurn => Burn.IsZero;

    /// <summary>RDATA words that carry data: 8, or 6 under 3/4 coding.</summary>
    public int DataWords => CodingScheme == EfuseCodingScheme.ThreeQuarters ? 6 : 8;
}
