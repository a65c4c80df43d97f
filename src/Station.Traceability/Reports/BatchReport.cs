using Station.Traceability.Csv;

namespace Station.Traceability.Reports;

/// <summary>Final failures with one error code.</summary>
/// <param name="Code">The error code, or <c>(none)</c> for failures recorded without one.</param>
/// <param name="Cause">The cause text seen most often with this code.</param>
public sealed record FailureCause(string Code, string Cause, int Units);

public sealed record KindCount(string Kind, int Count);

public sealed record BaudCount(int Baud, int Attempts);

/// <summary>
/// A batch in figures, from its <c>units.csv</c>. A unit is a distinct MAC; attempts that failed before
/// the MAC was read count as the unit that the same station, slot and unit number later identified, or
/// else as a unit of their own. A unit's verdict is its last attempt's. Yield and throughput count
/// finished units (PASS or FAIL); INTERRUPTED units were never decided.
/// </summary>
/// <param name="UnitsPerHour">Finished units over the span from the first start to the last end; null when that span is empty.</param>
/// <param name="AverageUnitSeconds">Time the line spent on a finished unit, all its attempts together.</param>
/// <param name="FailuresByCause">Units whose last attempt failed, by error code, most frequent first.</param>
/// <param name="RetriesByKind">Retry events of every attempt by kind (<c>retry.connect</c>, <c>retry.region</c>, ...), most frequent first.</param>
/// <param name="Bauds">Attempts by the baud they ran at, fastest first.</param>
/// <param name="IgnoredTailBytes">Bytes of a row torn by a crash at the end of units.csv, left out.</param>
public sealed record BatchReport(
    string Batch,
    int Units,
    int Attempts,
    int PassUnits,
    int FailUnits,
    int InterruptedUnits,
    double? YieldPercent,
    double? UnitsPerHour,
    DateTimeOffset? FirstStarted,
    DateTimeOffset? LastEnded,
    double? AverageUnitSeconds,
    double? MedianUnitSeconds,
    int Retries,
    IReadOnlyList<FailureCause> FailuresByCause,
    IReadOnlyList<KindCount> RetriesByKind,
    IReadOnlyList<BaudCount> Bauds,
    long IgnoredTailBytes = 0)
{
    public const string NoCode = "(none)";

    public int FinishedUnits => PassUnits + FailUnits;

    /// <summary>Reads <c>&lt;reports&gt;/&lt;batch&gt;/units.csv</c> (skipping a torn last row) and sums it up.</summary>
    public static async Task<BatchReport> ReadAsync(ReportsDirectory reports, string batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var contents = await UnitCsvReader.ReadAsync(reports.UnitsCsvPath(batch), cancellationToken).ConfigureAwait(false);
        return From(batch, contents.Rows) with { IgnoredTailBytes = contents.IgnoredTailBytes };
    }

    public static BatchReport From(string batch, IEnumerable<UnitCsvRow> rows)
    {
        // A write retried after a by-mac failure can repeat a row; the record id makes it one attempt.
        var attempts = rows.GroupBy(r => r.RecordId, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        var units = UnitsOf(attempts);
        var finals = units.Select(u => u.Final).ToList();
        var finished = units.Where(u => u.Final.Result != UnitResult.Interrupted).ToList();
        int pass = finals.Count(f => f.Result == UnitResult.Pass);
        int fail = finals.Count(f => f.Result == UnitResult.Fail);
        DateTimeOffset? first = attempts.Count == 0 ? null : attempts.Min(a => a.Started);
        DateTimeOffset? last = attempts.Count == 0 ? null : attempts.Max(a => a.Ended);
        double hours = first is { } f && last is { } l ? (l - f).TotalHours : 0;
        var unitSeconds = finished.Select(u => u.Attempts.Sum(a => a.Duration.TotalSeconds)).Order().ToList();

        return new BatchReport(
            batch,
            Units: units.Count,
            Attempts: attempts.Count,
            PassUnits: pass,
            FailUnits: fail,
            InterruptedUnits: finals.Count(f => f.Result == UnitResult.Interrupted),
            YieldPercent: pass + fail == 0 ? null : 100.0 * pass / (pass + fail),
            UnitsPerHour: hours > 0 ? (pass + fail) / hours : null,
            FirstStarted: first,
            LastEnded: last,
            AverageUnitSeconds: unitSeconds.Count == 0 ? null : unitSeconds.Average(),
            MedianUnitSeconds: Median(unitSeconds),
            Retries: attempts.Sum(a => a.Retries),
            FailuresByCause: [.. finals
                .Where(f => f.Result == UnitResult.Fail)
                .GroupBy(f => f.ErrorCode ?? NoCode, StringComparer.Ordinal)
                .Select(g => new FailureCause(g.Key, MostCommon(g.Select(f => f.Cause ?? "")), g.Count()))
                .OrderByDescending(c => c.Units).ThenBy(c => c.Code, StringComparer.Ordinal)],
            RetriesByKind: [.. attempts
                .SelectMany(a => a.EventKindCounts())
                .Where(k => k.Key.StartsWith("retry", StringComparison.Ordinal))
                .GroupBy(k => k.Key, StringComparer.Ordinal)
                .Select(g => new KindCount(g.Key, g.Sum(k => k.Value)))
                .OrderByDescending(k => k.Count).ThenBy(k => k.Kind, StringComparer.Ordinal)],
            Bauds: [.. attempts
                .Where(a => a.Baud is not null)
                .GroupBy(a => a.Baud!.Value)
                .Select(g => new BaudCount(g.Key, g.Count()))
                .OrderByDescending(b => b.Baud)]);
    }

    private sealed record UnitAttempts(string Key, IReadOnlyList<UnitCsvRow> Attempts)
    {
        /// <summary>The verdict-giving attempt: the one that ended last.</summary>
        public UnitCsvRow Final { get; } = Attempts.OrderBy(a => a.Ended).ThenBy(a => a.Attempt).ThenBy(a => a.Started).Last();
    }

    private static List<UnitAttempts> UnitsOf(List<UnitCsvRow> attempts)
    {
        // An attempt that failed before identification belongs to the MAC its placement later yielded, if exactly one.
        var macByPlacement = attempts
            .Where(a => a.Mac is not null)
            .GroupBy(Placement)
            .Where(g => g.Select(a => Mac(a.Mac!)).Distinct(StringComparer.Ordinal).Count() == 1)
            .ToDictionary(g => g.Key, g => Mac(g.First().Mac!));

        return [.. attempts
            .GroupBy(a => a.Mac is { } mac ? Mac(mac) : macByPlacement.GetValueOrDefault(Placement(a)) ?? $"{a.StationId}/slot {a.Slot}/unit {a.Unit}", StringComparer.Ordinal)
            .Select(g => new UnitAttempts(g.Key, [.. g]))];
    }

    private static (string Station, int Slot, int Unit) Placement(UnitCsvRow row) => (row.StationId, row.Slot, row.Unit);

    private static string Mac(string mac) => MacAddressText.TryNormalize(mac, out string normal) ? normal : mac;

    private static string MostCommon(IEnumerable<string> texts) =>
        texts.GroupBy(t => t, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;

    private static double? Median(List<double> sorted) => sorted.Count switch
    {
        0 => null,
        int n when n % 2 == 1 => sorted[n / 2],
        int n => (sorted[(n / 2) - 1] + sorted[n / 2]) / 2,
    };
}
