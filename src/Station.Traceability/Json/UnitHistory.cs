namespace Station.Traceability.Json;

/// <summary>
/// The content of <c>by-mac/&lt;MAC&gt;.json</c>: every attempt at one unit in one batch, in time order,
/// each a full <see cref="UnitRecord"/> (events, regions with digests, step times, boot check).
/// </summary>
/// <param name="Mac">Upper-case colon MAC.</param>
public sealed record UnitHistory(string Mac, IReadOnlyList<UnitRecord> Attempts)
{
    /// <summary>This history with <paramref name="record"/> added (replacing an earlier copy with the same id, so a retried write does not duplicate it).</summary>
    public UnitHistory With(UnitRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return this with { Attempts = InTimeOrder(Attempts.Where(a => a.RecordId != record.RecordId).Append(record)) };
    }

    /// <summary>Attempts ordered by start, then end, then attempt number: the order they happened.</summary>
    public static IReadOnlyList<UnitRecord> InTimeOrder(IEnumerable<UnitRecord> attempts) =>
        [.. attempts.OrderBy(a => a.Started).ThenBy(a => a.Ended).ThenBy(a => a.Attempt)];
}
