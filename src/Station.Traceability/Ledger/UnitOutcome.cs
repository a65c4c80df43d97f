namespace Station.Traceability.Ledger;

/// <summary>How an attempt at a unit that has a serial ended, for <see cref="ISerialLedger.RecordOutcomeAsync"/>.</summary>
/// <param name="RecordId">The attempt's <see cref="UnitRecord.RecordId"/>, linking the ledger to the full record.</param>
/// <param name="At">When the verdict was reached, from the caller's <see cref="TimeProvider"/>.</param>
/// <param name="DeviceData">What was written to the unit, or null when the attempt ended before its per-device
/// data existed; null keeps the data an earlier attempt recorded.</param>
public sealed record UnitOutcome(string Product, string Mac, UnitResult Result, string RecordId, string StationId, DateTimeOffset At, LedgerDeviceData? DeviceData = null);
