using Station.Protocol.Chips;

namespace Station.Simulator.Faults;

/// <summary>
/// One board's <c>&lt;MAC&gt;.faults.json</c> read back (<see cref="FaultLog.ReadAsync"/>): the ground truth a chaos
/// run compares the station's diagnosis with.
/// </summary>
/// <param name="Mac">The board's MAC.</param>
/// <param name="Board">What its faults were drawn from; <see cref="BoardKey.Slot"/> is 0-based (the file's <c>slot</c> is 1-based, as in <c>dN:</c>).</param>
/// <param name="Spec">The fleet's spec in canonical form.</param>
/// <param name="Dealt">What the board drew, one line per fault (<see cref="DealtFaults.Describe"/>); empty when it drew nothing.</param>
/// <param name="Counts">Fault name → how many times it was injected, including injections beyond the kept entries.</param>
/// <param name="Injected">The kept entries (at most <see cref="FaultLog.EntriesPerKind"/> per fault), in order.</param>
public sealed record FaultRecord(
    MacAddress Mac, BoardKey Board, string Spec, IReadOnlyList<string> Dealt, IReadOnlyDictionary<string, long> Counts, IReadOnlyList<InjectedFault> Injected)
{
    /// <summary>How many times <paramref name="kind"/> (a spec name, e.g. <c>brownout</c>) was injected.</summary>
    public long Count(string kind) => Counts.GetValueOrDefault(kind);
}
