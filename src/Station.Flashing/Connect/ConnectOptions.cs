using Station.Transport.Reset;

namespace Station.Flashing.Connect;

/// <summary>How to bring the chip into its ROM loader and sync with it.</summary>
public sealed record ConnectOptions
{
    /// <summary>The ROM talks at 115200 after reset.</summary>
    public const int RomBaud = 115200;

    /// <summary>Reset strategies to cycle through; null = the default order for the link (none if it has no modem lines).</summary>
    public IReadOnlyList<IResetStrategy>? ResetStrategies { get; init; }

    /// <summary>Reset-and-sync attempts (esptool uses 7).</summary>
    public int Attempts { get; init; } = 7;

    /// <summary>SYNC tries after each reset (esptool uses 5).</summary>
    public int SyncTriesPerAttempt { get; init; } = 5;

    /// <summary>How long to wait for the first byte of the boot log (a chip coming out of reset, a link still opening).</summary>
    public TimeSpan BootLogStart { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>How long the boot log may stay quiet, once it started, before we stop listening for it.</summary>
    public TimeSpan BootLogQuiet { get; init; } = TimeSpan.FromMilliseconds(60);

    /// <summary>
    /// Upper bound on listening for the boot log (a flooding application never goes quiet). Long enough for ~16 KiB
    /// at 115200 baud: a fresh board's firmware may print that much before the ROM banner that names the boot mode (F9).
    /// Listening ends at the first quiet gap, so a board that prints only its banner costs no more.
    /// </summary>
    public TimeSpan BootLogMax { get; init; } = TimeSpan.FromMilliseconds(1500);
}
