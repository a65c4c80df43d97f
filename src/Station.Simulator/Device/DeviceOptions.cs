using Station.Protocol.Chips;
using Station.Simulator.Faults;
using Station.Simulator.Flash;

namespace Station.Simulator.Device;

/// <summary>How one simulated device is built.</summary>
public sealed record DeviceOptions
{
    public const uint DefaultFlashSize = 4 * 1024 * 1024;

    /// <summary>
    /// Time from EN's rising edge until the ROM samples IO0. Dev boards put ≈10 kΩ / 1 µF on EN
    /// (τ ≈ 10 ms); the chip leaves reset early on that curve. 5 ms keeps the classic reset (IO0 goes
    /// low microseconds after EN rises) in download mode, and is well inside esptool's 50 ms hold.
    /// </summary>
    public static readonly TimeSpan DefaultEnDelay = TimeSpan.FromMilliseconds(5);

    public required ChipSpec Chip { get; init; }

    /// <summary>Position in the fleet; with <see cref="Seed"/> it decides the MAC.</summary>
    public int Index { get; init; }

    public ulong Seed { get; init; } = 1;

    /// <summary>Overrides the derived MAC (must use 18:FE:34 on ESP8266).</summary>
    public MacAddress? Mac { get; init; }

    /// <summary>Flash size in bytes; a power of two from 256 KB to 256 MB (the JEDEC id follows it).</summary>
    public uint FlashSize { get; init; } = DefaultFlashSize;

    /// <summary>Model wire time and flash timing with real delays (off: everything is instant).</summary>
    public bool Pacing { get; init; }

    public TimeSpan EnDelay { get; init; } = DefaultEnDelay;

    /// <summary>Flash timing used when <see cref="Pacing"/> is on.</summary>
    public FlashTiming FlashTiming { get; init; } = FlashTiming.Datasheet;

    public FaultPlan Faults { get; init; } = FaultPlan.None;

    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>How the chip boots when a link is attached.</summary>
public enum PowerOnBoot
{
    /// <summary>
    /// As the board would: on links carrying DTR/RTS the auto-program circuit decides (idle lines →
    /// the app runs); on links without them (TCP, pty) a fixture holds IO0 low at power-on, so the chip
    /// starts in download mode.
    /// </summary>
    Straps,

    /// <summary>Start in download mode whatever the lines say (later resets follow the lines).</summary>
    Download,
}
