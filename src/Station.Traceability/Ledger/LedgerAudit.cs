namespace Station.Traceability.Ledger;

/// <summary>What an audit of one product's serials found.</summary>
/// <param name="Count">Serials allocated.</param>
/// <param name="Problems">Gaps, duplicates and foreign rows, one sentence each; empty when the ledger is sound.</param>
/// <param name="WithoutOutcome">Serials whose unit has no recorded verdict (the station stopped between allocation and verdict): accounted for, never passed.</param>
public sealed record LedgerAuditReport(string Product, int Count, IReadOnlyList<string> Problems, IReadOnlyList<LedgerEntry> WithoutOutcome)
{
    public bool IsClean => Problems.Count == 0;
}

/// <summary>
/// Proves the ledger's promises from its content alone: sequence numbers 1..N with no gap and no
/// repeat, each serial once, each MAC once per product; each master row once, each MAC one row.
/// The stores enforce the same with constraints; this checks what they hold, as an auditor would.
/// </summary>
public static class LedgerAudit
{
    public static async Task<LedgerAuditReport> RunAsync(ISerialLedger ledger, string product, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return Check(product, await ledger.ListAsync(product, cancellationToken).ConfigureAwait(false));
    }

    public static LedgerAuditReport Check(string product, IReadOnlyCollection<LedgerEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var problems = new List<string>();
        foreach (var foreign in entries.Where(e => e.Product != product))
        {
            problems.Add($"Serial {foreign.Serial} belongs to product '{foreign.Product}', not '{product}'.");
        }

        var seqs = entries.Select(e => e.Seq).Order().ToList();
        long expected = 1;
        foreach (long seq in seqs.Distinct())
        {
            if (seq > expected)
            {
                problems.Add(seq - 1 == expected ? $"Sequence number {expected} is missing." : $"Sequence numbers {expected} to {seq - 1} are missing.");
            }
            else if (seq < expected)
            {
                problems.Add($"Sequence number {seq} is out of range.");
            }

            expected = Math.Max(expected, seq + 1);
        }

        problems.AddRange(Repeated(entries, e => e.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), "Sequence number"));
        problems.AddRange(Repeated(entries, e => e.Serial, "Serial"));
        problems.AddRange(Repeated(entries, e => e.Mac, "MAC"));
        foreach (var entry in entries.Where(e => !MacAddressText.TryNormalize(e.Mac, out string mac) || mac != e.Mac))
        {
            problems.Add($"Serial {entry.Serial} is bound to '{entry.Mac}', which is not a MAC in upper-case colon form.");
        }

        return new LedgerAuditReport(product, entries.Count, problems, [.. entries.Where(e => e.Outcome is null).OrderBy(e => e.Seq)]);
    }

    /// <summary>Problems with the claims on one master values source: a row given twice, a MAC given two rows, a row past the end.</summary>
    public static IReadOnlyList<string> CheckMasterRows(string sourceId, int rowCount, IReadOnlyCollection<MasterRowClaim> claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var problems = new List<string>();
        problems.AddRange(claims.Where(c => c.SourceId != sourceId).Select(c => $"Row {c.Row} of '{c.SourceId}' is listed under '{sourceId}'."));
        problems.AddRange(claims.Where(c => c.Row < 1 || c.Row > rowCount).Select(c => $"Row {c.Row} went to {c.Mac}, but the source has rows 1 to {rowCount}."));
        problems.AddRange(Repeated(claims, c => c.Row.ToString(System.Globalization.CultureInfo.InvariantCulture), "Row"));
        problems.AddRange(Repeated(claims, c => c.Mac, "MAC"));
        return problems;
    }

    private static IEnumerable<string> Repeated<T>(IEnumerable<T> items, Func<T, string> key, string what) =>
        items.GroupBy(key, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => $"{what} {g.Key} appears {g.Count()} times.");
}
