namespace Station.Simulator.Faults;

/// <summary>The faults a <see cref="FaultSpec"/> can name (field-failures.md F1–F9).</summary>
public enum FaultKind
{
    Corrupt,
    RamCorrupt,
    Drop,
    Ceiling,
    NoDownload,
    NoDownloadOnce,
    DeadTx,
    Flood,
    Brownout,
    Unplug,
    ProgramError,
    ProgramErrorPersistent,
    Bitflip,
    BitflipPersistent,
    SlowErase,
    Busy,
}

/// <summary>What a clause's value means.</summary>
public enum FaultValue
{
    /// <summary>Per host byte, 0..1 (required).</summary>
    Rate,

    /// <summary>Per board, 0..1 (default 1).</summary>
    Probability,

    /// <summary>A baud rate (required).</summary>
    Baud,

    /// <summary>A multiplier ≥ 1 (required).</summary>
    Factor,
}

/// <summary>Spec names of the faults and the shape of their values.</summary>
public static class FaultNames
{
    /// <summary>Every fault: its spec name, value, the default of its optional <c>/DURATION</c> (null: none allowed), and a one-line meaning.</summary>
    public static IReadOnlyList<FaultName> All { get; } =
    [
        new(FaultKind.Corrupt, "corrupt", FaultValue.Rate, null, "a random bit of a host→device byte flips (any time)"),
        new(FaultKind.RamCorrupt, "ram-corrupt", FaultValue.Rate, null, "the same, in MEM_DATA payloads of a RAM upload (ROM: 01 07, stub: C1)"),
        new(FaultKind.Drop, "drop", FaultValue.Rate, null, "a host→device byte is lost"),
        new(FaultKind.Ceiling, "ceiling", FaultValue.Baud, null, "above this baud the line carries garbage both ways"),
        new(FaultKind.NoDownload, "no-download", FaultValue.Probability, null, "every boot runs the app (boot:0x13 on ESP32) instead of download mode"),
        new(FaultKind.NoDownloadOnce, "no-download-once", FaultValue.Probability, null, "only the board's first download-mode boot runs the app"),
        new(FaultKind.DeadTx, "dead-tx", FaultValue.Probability, null, "host→device line dead: the banner shows, SYNC is never answered"),
        new(FaultKind.Flood, "flood", FaultValue.Probability, null, "4–12 KiB of app output before the banner at every power-on until the first flash write"),
        new(FaultKind.Brownout, "brownout", FaultValue.Probability, null, "resets (rst:0xf) at a random point of the first flash write, once"),
        new(FaultKind.Unplug, "unplug", FaultValue.Probability, TimeSpan.FromSeconds(2), "the port disappears at a random point of the first flash write, once, for DELAY"),
        new(FaultKind.ProgramError, "program-error", FaultValue.Probability, null, "one program in the first flash write fails once (ROM 01 08, stub C4)"),
        new(FaultKind.ProgramErrorPersistent, "program-error-persistent", FaultValue.Probability, null, "every program into one sector of the first flash write fails"),
        new(FaultKind.Bitflip, "bitflip", FaultValue.Probability, null, "one bit of the first flash write flips after it was written, once (MD5 mismatch)"),
        new(FaultKind.BitflipPersistent, "bitflip-persistent", FaultValue.Probability, null, "the same bit flips after every write (a weak cell)"),
        new(FaultKind.SlowErase, "slow-erase", FaultValue.Factor, null, "erases take FACTOR × the datasheet time (with pacing on)"),
        new(FaultKind.Busy, "busy", FaultValue.Probability, TimeSpan.FromSeconds(5), "another program holds the port for DURATION from when the board's port is first served"),
    ];

    public static FaultName Of(FaultKind kind) => All.First(n => n.Kind == kind);

    public static bool TryFind(string name, out FaultName found)
    {
        found = All.FirstOrDefault(n => n.Name == name)!;
        return found is not null;
    }
}

/// <param name="DefaultDuration">The default of the optional <c>/DURATION</c> part; null when the fault takes none.</param>
public sealed record FaultName(FaultKind Kind, string Name, FaultValue Value, TimeSpan? DefaultDuration, string Meaning);
