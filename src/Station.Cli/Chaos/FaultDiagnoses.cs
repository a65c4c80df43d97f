using Station.Flashing.Errors;
using Station.Line;
using Station.Simulator.Faults;

namespace Station.Cli.Chaos;

/// <summary>Whether the line can turn a fault into a PASS.</summary>
public enum FaultRecovery
{
    /// <summary>A retry, a lower baud, a reconnect, a re-plug or a wait cures it: the board must PASS.</summary>
    Recoverable,

    /// <summary>No retry helps (a dead TX line, a chip that never enters download mode, a bad flash cell): the board must FAIL, named.</summary>
    Fatal,
}

/// <summary>How surely an injected fault leaves a trace in the records.</summary>
public enum FaultTrace
{
    /// <summary>Every board it hit shows one of its codes (as a failure or a retry).</summary>
    EveryBoard,

    /// <summary>A damaged byte can be absorbed unnoticed (in a SYNC's padding, a frame resent anyway): at least one board it hit shows its code.</summary>
    SomeBoard,

    /// <summary>The line absorbs it without a retry (text before the banner, erases slower than the datasheet): it only must not fail the board.</summary>
    None,
}

/// <summary>What the station must say when a simulator fault hits a board.</summary>
/// <param name="Codes">The error codes that name this fault, as a failure or a retry reason.</param>
public sealed record FaultDiagnosis(string Fault, FaultRecovery Recovery, FaultTrace Trace, IReadOnlyList<string> Codes);

/// <summary>
/// The expected diagnosis of every fault the simulator can inject (field-failures.md F1–F9): the ground truth
/// a chaos run's records are checked against.
/// </summary>
public static class FaultDiagnoses
{
    private static readonly string[] LinkDamage =
    [
        ErrorCodes.LinkCorrupt, ErrorCodes.RamUploadCorrupt, ErrorCodes.Timeout, ErrorCodes.Deflate, ErrorCodes.DeviceRejected,
        ErrorCodes.Protocol, ErrorCodes.ReadCorrupt, ErrorCodes.BaudNoResponse, ErrorCodes.ConnectNoSync, ErrorCodes.StubNoGreeting,
        LineErrors.StepTimeoutCode,
    ];

    public static IReadOnlyDictionary<FaultKind, FaultDiagnosis> All { get; } = new Dictionary<FaultKind, FaultDiagnosis>
    {
        [FaultKind.Corrupt] = new("corrupt", FaultRecovery.Recoverable, FaultTrace.SomeBoard, LinkDamage),
        [FaultKind.Drop] = new("drop", FaultRecovery.Recoverable, FaultTrace.SomeBoard, LinkDamage),
        // A damaged payload byte is the ROM's checksum error (F1); a damaged length or sequence field is a rejected
        // message, a damaged frame byte no reply at all.
        [FaultKind.RamCorrupt] = new("ram-corrupt", FaultRecovery.Recoverable, FaultTrace.EveryBoard,
            [ErrorCodes.RamUploadCorrupt, ErrorCodes.DeviceRejected, ErrorCodes.Timeout, ErrorCodes.StubNoGreeting]),
        [FaultKind.Ceiling] = new("ceiling", FaultRecovery.Recoverable, FaultTrace.EveryBoard, [ErrorCodes.BaudNoResponse, ErrorCodes.LinkCorrupt]),
        [FaultKind.NoDownload] = new("no-download", FaultRecovery.Fatal, FaultTrace.EveryBoard, [ErrorCodes.ConnectWrongBootMode]),
        [FaultKind.NoDownloadOnce] = new("no-download-once", FaultRecovery.Recoverable, FaultTrace.EveryBoard, [ErrorCodes.ConnectWrongBootMode]),
        [FaultKind.DeadTx] = new("dead-tx", FaultRecovery.Fatal, FaultTrace.EveryBoard, [ErrorCodes.ConnectNoSyncReply]),
        [FaultKind.Flood] = new("flood", FaultRecovery.Recoverable, FaultTrace.None, []),
        [FaultKind.Brownout] = new("brownout", FaultRecovery.Recoverable, FaultTrace.EveryBoard, [ErrorCodes.Brownout]),
        [FaultKind.Unplug] = new("unplug", FaultRecovery.Recoverable, FaultTrace.EveryBoard, [ErrorCodes.PortGone]),
        [FaultKind.ProgramError] = new("program-error", FaultRecovery.Recoverable, FaultTrace.EveryBoard, [ErrorCodes.FlashWrite]),
        [FaultKind.ProgramErrorPersistent] = new("program-error-persistent", FaultRecovery.Fatal, FaultTrace.EveryBoard, [ErrorCodes.FlashWrite]),
        [FaultKind.Bitflip] = new("bitflip", FaultRecovery.Recoverable, FaultTrace.EveryBoard, [ErrorCodes.VerifyMd5Mismatch]),
        [FaultKind.BitflipPersistent] = new("bitflip-persistent", FaultRecovery.Fatal, FaultTrace.EveryBoard, [ErrorCodes.VerifyMd5Mismatch]),
        [FaultKind.SlowErase] = new("slow-erase", FaultRecovery.Recoverable, FaultTrace.None, []),
        [FaultKind.Busy] = new("busy", FaultRecovery.Recoverable, FaultTrace.EveryBoard, [ErrorCodes.PortBusy]),
    };

    public static FaultDiagnosis For(string faultName) =>
        FaultNames.TryFind(faultName, out var name) ? All[name.Kind] : throw new ArgumentException($"'{faultName}' is not a simulator fault.", nameof(faultName));
}
