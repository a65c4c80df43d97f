using Station.Traceability.Json;

namespace Station.Traceability.Reports;

/// <summary>Every recorded attempt at one unit, across all batches under the reports folder, in time order.</summary>
/// <param name="Mac">Upper-case colon MAC.</param>
/// <param name="BatchesSearched">How many batches were looked in (for "not found" messages).</param>
public sealed record MacHistory(string Mac, IReadOnlyList<UnitRecord> Attempts, int BatchesSearched)
{
    public bool Found => Attempts.Count > 0;

    /// <summary>Batches the unit appears in, in the order it went through them.</summary>
    public IReadOnlyList<string> Batches => [.. Attempts.Select(a => a.Batch).Distinct(StringComparer.Ordinal)];

    /// <summary>Loads <c>by-mac/&lt;MAC&gt;.json</c> from every batch. Throws <see cref="ArgumentException"/> for text that is not a MAC.</summary>
    public static async Task<MacHistory> ReadAsync(ReportsDirectory reports, string mac, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reports);
        string normal = MacAddressText.Normalize(mac);
        var batches = reports.Batches();
        var attempts = new List<UnitRecord>();
        foreach (string batch in batches)
        {
            var history = await UnitHistoryFile.ReadAsync(UnitHistoryFile.PathFor(reports.BatchPath(batch), normal), cancellationToken).ConfigureAwait(false);
            attempts.AddRange(history?.Attempts ?? []);
        }

        return new MacHistory(normal, UnitHistory.InTimeOrder(attempts), batches.Count);
    }
}
