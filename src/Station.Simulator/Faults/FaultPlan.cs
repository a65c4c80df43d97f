namespace Station.Simulator.Faults;

/// <summary>
/// The faults one board suffers: the hook implementations the device calls, what the board was dealt,
/// and the record of what was injected. A plan belongs to one board (its hooks keep state, e.g. "the
/// first download-mode boot already failed"): build one per board, e.g. with <see cref="Deal"/>.
/// </summary>
public sealed record FaultPlan
{
    public static readonly FaultPlan None = new();

    public IWireFaults Wire { get; init; } = NoFaults.Instance;

    public IFlashFaults Flash { get; init; } = NoFaults.Instance;

    public IBootFaults Boot { get; init; } = NoFaults.Instance;

    public IRamUploadFaults RamUpload { get; init; } = NoFaults.Instance;

    public IPortFaults Port { get; init; } = NoFaults.Instance;

    /// <summary>What the board was dealt from a <see cref="FaultSpec"/>; null for plans not built from one.</summary>
    public DealtFaults? Dealt { get; init; }

    /// <summary>The ground truth of what was injected; null when no fault spec applies (no <c>.faults.json</c> is written).</summary>
    public FaultLog? Log { get; init; }

    /// <summary>
    /// Deals the board <paramref name="board"/> its faults from <paramref name="spec"/> and builds the hooks.
    /// A null or empty spec gives <see cref="None"/>; any other spec gives a plan with a <see cref="Log"/>,
    /// even when the board drew nothing (its record then lists no injected faults).
    /// </summary>
    public static FaultPlan Deal(FaultSpec? spec, BoardKey board, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(time);
        if (spec is null || spec.IsEmpty)
        {
            return None;
        }

        DealtFaults dealt = FaultDealer.Deal(spec, board);
        var log = new FaultLog(board, spec, dealt, time);
        var boot = new BootFaultInjector(dealt, board, log);
        return new FaultPlan
        {
            Wire = new WireFaultInjector(dealt, board, log),
            Flash = new FlashFaultInjector(dealt, boot, log),
            Boot = boot,
            RamUpload = new RamUploadCorruption(dealt, board, log),
            Port = new PortHold(dealt.BusyFor, time),
            Dealt = dealt,
            Log = log,
        };
    }
}
