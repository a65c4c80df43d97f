using Station.Protocol.Chips;
using Station.Protocol.Images;

namespace Station.Profiles;

/// <summary>
/// What a manufacturing engineer writes to describe one product's flashing job (profiles/*.json):
/// the chip, the images with pinned hashes, the link and retry settings, what to do after flashing,
/// and an optional check of the boot log. Loaded and validated by <see cref="ProfileLoader"/>.
/// </summary>
public sealed record Profile
{
    public required string Name { get; init; }

    public required string Version { get; init; }

    /// <summary>The chip every unit must be; any other chip fails at once, before anything is written.</summary>
    public required ChipSpec Chip { get; init; }

    /// <summary>Flash mode/frequency/size written into the bootloader header (null parts = keep).</summary>
    public required FlashSettings Flash { get; init; }

    public required IReadOnlyList<ProfileImage> Images { get; init; }

    public required LinkSettings Link { get; init; }

    public required RetryPolicy Retry { get; init; }

    public required AfterFlash After { get; init; }

    public BootCheck? BootCheck { get; init; }

    /// <summary>
    /// <c>verification.skipMatching</c>: before writing a region, compare the device's MD5 of it with the image's; a
    /// region the unit already holds is not written (that comparison is its verification), and an erased span of a
    /// region is not erased again. Off by default: on blank boards the extra MD5 of every data region only costs time.
    /// </summary>
    public bool SkipMatchingRegions { get; init; }

    /// <summary>What makes each unit unique: its serial number, its NVS partition, eFuse burns.</summary>
    public DeviceDataSettings? DeviceData { get; init; }

    /// <summary>Full path of the profile file.</summary>
    public required string SourcePath { get; init; }

    /// <summary>SHA-256 of the profile file's bytes (lower-case hex), recorded with every unit.</summary>
    public required string Sha256 { get; init; }
}

/// <summary>One image to flash: where, from which file, and the SHA-256 the file must have.</summary>
/// <param name="Name">A short name for logs and records ("bootloader", "app").</param>
/// <param name="Path">Absolute path (the profile gives it relative to the profile file).</param>
/// <param name="Sha256">Pinned lower-case hex SHA-256 of the file; a mismatch refuses the whole job.</param>
public sealed record ProfileImage(string Name, uint Offset, string Path, string Sha256);

/// <summary>How to talk to units.</summary>
/// <param name="InitialBaud">Baud to connect at (the ROM's 115200 unless a board says otherwise).</param>
/// <param name="BaudLadder">Bauds to work at, fastest first; a region retry steps one rung down.</param>
/// <param name="Compression">How hard the job compresses its images before the first unit (<c>link.compression</c>).</param>
public sealed record LinkSettings(int InitialBaud, IReadOnlyList<int> BaudLadder, ImageCompression Compression = ImageCompression.Smallest);

/// <summary>
/// How a job compresses its images, once, before the first unit. Smallest sends fewer bytes to every unit
/// (4–5 % fewer than zlib level 9) for 0.6–1.2 CPU seconds per MiB at the start; fast is zlib, for
/// jobs of a unit or two, where that second is never earned back.
/// </summary>
public enum ImageCompression
{
    Smallest,
    Fast,
}

/// <summary>How hard to try before a unit fails, and when a slot should stop and ask for help.</summary>
public sealed record RetryPolicy
{
    /// <summary>Reset-and-sync attempts, cycling <see cref="ResetStrategies"/>.</summary>
    public int ConnectAttempts { get; init; } = 7;

    /// <summary>Reset strategy names in the order to try (see Station.Transport.Reset.ResetStrategies.Parse).</summary>
    public IReadOnlyList<string> ResetStrategies { get; init; } = ["unix-tight", "unix-tight-slow", "classic", "classic-slow"];

    /// <summary>Resends of one data block the device rejected on arrival.</summary>
    public int BlockRetries { get; init; } = 3;

    /// <summary>Re-writes of one region after a failure (reconnecting one step down the baud ladder).</summary>
    public int RegionRetries { get; init; } = 2;

    /// <summary>Whole-unit attempts (each is its own record).</summary>
    public int UnitAttempts { get; init; } = 2;

    /// <summary>
    /// How long a slot waits for a port that went away mid-unit (cable knocked, USB re-enumeration, F6) to come
    /// back; the same board (by MAC) is then flashed again from the start as the unit's next attempt.
    /// </summary>
    public TimeSpan ReplugWait { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Consecutive failed units after which the slot pauses and asks the operator to check the fixture or cable.</summary>
    public int SlotBreakerFailures { get; init; } = 3;

    public TimeSpan SlotBreakerPause { get; init; } = TimeSpan.FromSeconds(30);

    public StepTimeouts Timeouts { get; init; } = new();
}

/// <summary>Upper bounds per step; size-dependent steps scale with the bytes they move.</summary>
public sealed record StepTimeouts
{
    public TimeSpan Connect { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan Identify { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Stub { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Write time allowed per megabyte of region (on top of <see cref="WriteBase"/>).</summary>
    public TimeSpan WritePerMegabyte { get; init; } = TimeSpan.FromSeconds(120);

    public TimeSpan WriteBase { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan VerifyPerMegabyte { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan VerifyBase { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Reset { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The limit for a step that moves <paramref name="bytes"/>: base + per-MB × bytes / 10^6.</summary>
    public static TimeSpan Scaled(TimeSpan @base, TimeSpan perMegabyte, long bytes) => @base + (perMegabyte * (bytes / 1e6));
}

/// <summary>What to do with a unit once it is written and verified.</summary>
public enum AfterFlash
{
    /// <summary>Restart the chip into its application (EN pulse where the link has modem lines, else the loader restarts it).</summary>
    RunApp,

    /// <summary>Leave the chip in its loader.</summary>
    StayInLoader,
}

/// <summary>After restarting into the app, read its serial log and require a pattern (e.g. the app version).</summary>
/// <param name="Pattern">A .NET regular expression matched against the log text.</param>
public sealed record BootCheck(int Baud, string Pattern, TimeSpan Within);
