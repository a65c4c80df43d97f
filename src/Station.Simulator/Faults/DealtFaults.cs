using System.Globalization;

namespace Station.Simulator.Faults;

/// <summary>
/// The faults one board drew from a <see cref="FaultSpec"/> (pure data). Points "in the first flash write"
/// are fractions of that write's announced size, between 5 % and 95 % so the cut is really mid-write.
/// </summary>
public sealed record DealtFaults
{
    public static readonly DealtFaults None = new();

    public double CorruptRate { get; init; }

    public double RamCorruptRate { get; init; }

    public double DropRate { get; init; }

    public int? BaudCeiling { get; init; }

    /// <summary>No boot ever enters download mode.</summary>
    public bool NoDownload { get; init; }

    /// <summary>The board's first download-mode boot runs the app instead.</summary>
    public bool NoDownloadOnce { get; init; }

    public bool DeadTx { get; init; }

    /// <summary>How much app output precedes the banner at power-on; null for none.</summary>
    public int? FloodBytes { get; init; }

    public double? BrownoutAt { get; init; }

    public double? UnplugAt { get; init; }

    public TimeSpan UnplugDelay { get; init; }

    public double? ProgramErrorAt { get; init; }

    public bool ProgramErrorPersistent { get; init; }

    public double? BitflipAt { get; init; }

    /// <summary>Which bit (0–7) of the byte at <see cref="BitflipAt"/> flips.</summary>
    public int BitflipBit { get; init; }

    public bool BitflipPersistent { get; init; }

    public double SlowEraseFactor { get; init; } = 1;

    public TimeSpan? BusyFor { get; init; }

    /// <summary>One line per dealt fault, in spec order of names (what <c>.faults.json</c> lists as "dealt").</summary>
    public IReadOnlyList<string> Describe()
    {
        var lines = new List<string>();
        void Add(bool present, string text)
        {
            if (present)
            {
                lines.Add(text);
            }
        }

        Add(CorruptRate > 0, $"corrupt: rate {Number(CorruptRate)} per host byte");
        Add(RamCorruptRate > 0, $"ram-corrupt: rate {Number(RamCorruptRate)} per MEM_DATA payload byte");
        Add(DropRate > 0, $"drop: rate {Number(DropRate)} per host byte");
        Add(BaudCeiling is not null, $"ceiling: {BaudCeiling} baud");
        Add(NoDownload, "no-download: every boot runs the app");
        Add(NoDownloadOnce, "no-download-once: the first download-mode boot runs the app");
        Add(DeadTx, "dead-tx: host-to-device line dead");
        Add(FloodBytes is not null, $"flood: {FloodBytes} bytes of app output at power-on");
        Add(BrownoutAt is not null, $"brownout: at {Percent(BrownoutAt)} of the first flash write");
        Add(UnplugAt is not null, $"unplug: at {Percent(UnplugAt)} of the first flash write, for {Seconds(UnplugDelay)}");
        Add(ProgramErrorAt is not null, $"{(ProgramErrorPersistent ? "program-error-persistent: every program into the sector" : "program-error: the program")} at {Percent(ProgramErrorAt)} of the first flash write");
        Add(BitflipAt is not null, $"{(BitflipPersistent ? "bitflip-persistent" : "bitflip")}: bit {BitflipBit} of the byte at {Percent(BitflipAt)} of the first flash write");
        Add(SlowEraseFactor > 1, $"slow-erase: {Number(SlowEraseFactor)} x the datasheet erase time");
        Add(BusyFor is not null, $"busy: port held for {Seconds(BusyFor ?? TimeSpan.Zero)} from when it is first served");
        return lines;
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();

    private static string Percent(double? fraction) => (fraction ?? 0).ToString("P1", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
