namespace Station.Traceability.Ledger;

/// <summary>
/// One allocated serial: the MAC it is bound to for good, where and when it was allocated, and how the
/// unit's latest attempt ended (null when none was recorded: the station stopped between allocation
/// and verdict, so the unit was never passed).
/// </summary>
/// <param name="Seq">The product's sequence number, 1, 2, 3 … without gaps.</param>
/// <param name="Format">The serial format the serial was rendered with.</param>
/// <param name="AllocatedAt">UTC, whole milliseconds.</param>
public sealed record LedgerEntry(
    string Product,
    long Seq,
    string Serial,
    string Mac,
    string Format,
    string StationId,
    string Batch,
    DateTimeOffset AllocatedAt,
    LatestOutcome? Outcome);

/// <summary>The verdict of the unit's latest recorded attempt.</summary>
/// <param name="RecordId">The attempt's <see cref="UnitRecord.RecordId"/> in the reports of <paramref name="StationId"/>.</param>
/// <param name="At">UTC, whole milliseconds.</param>
public sealed record LatestOutcome(UnitResult Result, string RecordId, string StationId, DateTimeOffset At);
