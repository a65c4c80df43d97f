using Station.Simulator.Faults;

namespace Station.Cli.Chaos;

/// <summary>
/// What the simulator injected on one board, read back from its <c>&lt;MAC&gt;.faults.json</c> (written beside the
/// board's flash dump): the ground truth a chaos run is judged by.
/// </summary>
/// <param name="Slot">1-based slot the board sat in.</param>
/// <param name="Serial">The board's place in the simulator's run (boards of one slot in the order they entered it).</param>
/// <param name="Injected">Fault name → how many times it was actually injected (only faults that hit).</param>
/// <param name="DumpPath">The board's flash dump.</param>
public sealed record BoardFaults(string Mac, int Slot, long Serial, IReadOnlyDictionary<string, long> Injected, string DumpPath)
{
    public const string Suffix = ".faults.json";

    /// <summary>Every board in <paramref name="dumpDirectory"/>, slot by slot in the order they entered it.</summary>
    public static async Task<IReadOnlyList<BoardFaults>> ReadAllAsync(string dumpDirectory, CancellationToken cancellationToken)
    {
        var boards = new List<BoardFaults>();
        foreach (string path in Directory.EnumerateFiles(dumpDirectory, "*" + Suffix))
        {
            boards.Add(await ReadAsync(path, cancellationToken).ConfigureAwait(false));
        }

        return [.. boards.OrderBy(b => b.Slot).ThenBy(b => b.Serial)];
    }

    public static async Task<BoardFaults> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var record = await FaultLog.ReadAsync(path, cancellationToken).ConfigureAwait(false);
        return new BoardFaults(record.Mac.ToString(), record.Board.Slot + 1, record.Board.Serial,
            record.Counts.Where(c => c.Value > 0).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal),
            path[..^Suffix.Length] + ".bin");
    }
}
