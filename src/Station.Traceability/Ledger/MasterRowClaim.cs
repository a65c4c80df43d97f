namespace Station.Traceability.Ledger;

/// <summary>A unit asking for its row of a mass-manufacturing master values CSV.</summary>
/// <param name="SourceId">Names the rows and their order for good, e.g. <c>&lt;product&gt;:&lt;SHA-256 of the master CSV&gt;</c>: an edited CSV is a new source.</param>
/// <param name="RowCount">How many data rows the source has; every claim on a source must give the same count.</param>
public sealed record MasterRowRequest(string SourceId, string Mac, int RowCount, string StationId, DateTimeOffset At);

/// <summary>The row a MAC got from a master values source.</summary>
/// <param name="Row">1-based number among the data rows (1 = the first row after the header) (the numbering unit records use).</param>
/// <param name="ClaimedAt">UTC, whole milliseconds.</param>
/// <param name="Existing">True when the MAC already had this row.</param>
public sealed record MasterRowClaim(string SourceId, int Row, string Mac, string StationId, DateTimeOffset ClaimedAt, bool Existing);
