namespace Station.Flashing.Efuse;

/// <summary>One eFuse operation on a unit, for its record: the block's words before and after and what was burned.</summary>
public sealed record EfuseBurnResult
{
    /// <summary>"user-data" or "custom-mac".</summary>
    public required string Operation { get; init; }

    public string Block { get; init; } = "BLOCK3";

    public required EfuseBurnOutcome Outcome { get; init; }

    public required EfuseCodingScheme CodingScheme { get; init; }

    /// <summary>RDATA before (8 words).</summary>
    public required EfuseWords Before { get; init; }

    /// <summary>Fuse bits set by this operation, in data form (dry run: bits that would be set; skipped: zero).</summary>
    public required EfuseWords Burned { get; init; }

    /// <summary>RDATA read back after the burn (dry run: the prediction; skipped: the same as <see cref="Before"/>).</summary>
    public required EfuseWords After { get; init; }

    /// <summary>Program commands issued (0 when skipped or dry run; at most <see cref="Esp32EfuseBurner.MaxAttempts"/>).</summary>
    public int Attempts { get; init; }
}
