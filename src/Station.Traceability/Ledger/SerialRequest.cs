namespace Station.Traceability.Ledger;

/// <summary>A unit asking for its serial.</summary>
/// <param name="Product">The product whose sequence the serial comes from (the profile's <c>deviceData.serial.product</c>).</param>
/// <param name="Mac">The unit's MAC in any common spelling; the ledger keys it as <c>24:0A:C4:12:34:56</c>.</param>
/// <param name="Format">How a new serial is rendered; an existing binding keeps the serial it was given.</param>
/// <param name="At">Now, from the caller's <see cref="TimeProvider"/>: the allocation time, and the date a new serial's <c>{yyyy}</c>, <c>{MM}</c>, <c>{dd}</c> show.</param>
public sealed record SerialRequest(string Product, string Mac, SerialFormat Format, string StationId, string Batch, DateTimeOffset At);

/// <summary>The serial a unit got.</summary>
/// <param name="Existing">True when the MAC already had this serial (a unit flashed again); false when it was allocated by this call.</param>
public sealed record SerialAllocation(LedgerEntry Entry, bool Existing)
{
    public string Serial => Entry.Serial;
}
