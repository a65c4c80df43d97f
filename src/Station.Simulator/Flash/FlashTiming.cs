namespace Station.Simulator.Flash;

/// <summary>
/// How long flash operations take when pacing is on. Defaults are the typical figures of a Winbond
/// W25Q32JV datasheet (rev. I, §9.6 AC characteristics): sector erase (4 KiB) 45 ms, block erase
/// (64 KiB) 150 ms, page program 0.4 ms per 256-byte page, chip erase 10 s for 4 MB (scaled by size).
/// Read and MD5 throughput are estimates, not datasheet figures: a 40 MHz DIO read moves ≈10 MB/s,
/// and the ROM's MD5 routine on a 40–80 MHz CPU digests ≈2.5 MB/s, so MD5 is CPU bound.
/// </summary>
public sealed record FlashTiming
{
    public static readonly FlashTiming Datasheet = new();

    /// <summary>No time at all: used when pacing is off.</summary>
    public static readonly FlashTiming Instant = new()
    {
        SectorErase = TimeSpan.Zero, BlockErase = TimeSpan.Zero, PageProgram = TimeSpan.Zero,
        ChipErasePerMegabyte = TimeSpan.Zero, ReadBytesPerSecond = double.PositiveInfinity, Md5BytesPerSecond = double.PositiveInfinity,
    };

    public TimeSpan SectorErase { get; init; } = TimeSpan.FromMilliseconds(45);

    public TimeSpan BlockErase { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>Programming one 256-byte page.</summary>
    public TimeSpan PageProgram { get; init; } = TimeSpan.FromMilliseconds(0.4);

    /// <summary>Chip erase per MiB of flash (10 s for the 4 MB part).</summary>
    public TimeSpan ChipErasePerMegabyte { get; init; } = TimeSpan.FromSeconds(2.5);

    public double ReadBytesPerSecond { get; init; } = 10e6;

    public double Md5BytesPerSecond { get; init; } = 2.5e6;

    public TimeSpan Program(long bytes) => PageProgram * Math.Ceiling(bytes / 256.0);

    public TimeSpan Read(long bytes) => Seconds(bytes / ReadBytesPerSecond);

    public TimeSpan Md5(long bytes) => Seconds(bytes / Md5BytesPerSecond);

    public TimeSpan ChipErase(uint flashSize) => ChipErasePerMegabyte * (flashSize / (1024.0 * 1024.0));

    private static TimeSpan Seconds(double s) => double.IsFinite(s) ? TimeSpan.FromSeconds(s) : TimeSpan.Zero;
}
