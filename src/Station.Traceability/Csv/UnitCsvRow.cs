namespace Station.Traceability.Csv;

/// <summary>
/// One row of <c>units.csv</c>: a <see cref="UnitRecord"/> flattened to cells a spreadsheet can filter.
/// Columns and their order are fixed by <see cref="UnitCsvRowMap"/>; free text is kept on one line so
/// every row is exactly one line of the file (what the torn-row repair relies on).
/// </summary>
public sealed partial class UnitCsvRow
{
    public required string RecordId { get; init; }

    public required string Batch { get; init; }

    public required string StationId { get; init; }

    public required string Operator { get; init; }

    public required int Slot { get; init; }

    public required string Port { get; init; }

    public required int Unit { get; init; }

    public required int Attempt { get; init; }

    public required DateTimeOffset Started { get; init; }

    public required DateTimeOffset Ended { get; init; }

    public string? Mac { get; init; }

    public string? Chip { get; init; }

    public string? ChipRevision { get; init; }

    public string? FlashId { get; init; }

    public string? FlashSize { get; init; }

    public required string Profile { get; init; }

    public required string ProfileVersion { get; init; }

    public required string ProfileSha256 { get; init; }

    /// <summary><c>0x1000=&lt;sha&gt;;0x8000=&lt;sha&gt;</c>, in the record's region order.</summary>
    public string? ImageSha256 { get; init; }

    /// <summary><c>0x1000=ok;0x10000=MISMATCH(expected/actual)</c>, or <c>not-verified</c> when no region was checked.</summary>
    public required string Md5Verified { get; init; }

    public int? Baud { get; init; }

    public int Retries { get; init; }

    public required UnitResult Result { get; init; }

    public string? ErrorCode { get; init; }

    public string? Cause { get; init; }

    public string? Remedy { get; init; }

    public double? ConnectSeconds { get; init; }

    public double? IdentifySeconds { get; init; }

    public double? BaudSeconds { get; init; }

    public double? StubSeconds { get; init; }

    public double? AttachSeconds { get; init; }

    public double? WriteSeconds { get; init; }

    public double? VerifySeconds { get; init; }

    public double? ResetSeconds { get; init; }

    public double? BootCheckSeconds { get; init; }

    /// <summary>Step times without a column of their own: <c>name=1.234;other=0.500</c>.</summary>
    public string? OtherSteps { get; init; }

    /// <summary><c>&lt;pattern&gt;/PASS</c> or <c>&lt;pattern&gt;/FAIL</c>; blank when the profile has no boot check.</summary>
    public string? BootCheck { get; init; }

    /// <summary>How many events the attempt recorded.</summary>
    public int Events { get; init; }

    /// <summary>Events counted by kind: <c>retry.connect=2;step.failed=1</c> (what the batch report's retries come from).</summary>
    public string? EventKinds { get; init; }

    public string? Serial { get; init; }

    /// <summary>"flash" or "qa".</summary>
    public string Operation { get; init; } = "flash";

    /// <summary>The slot's name from the station file; blank when it has none (and in files written before the column existed).</summary>
    public string? SlotName { get; init; }

    /// <summary>The port's USB bridge: VID:PID, name, serial number, hub path.</summary>
    public string? Usb { get; init; }

    public string? NvsSha256 { get; init; }

    /// <summary>The per-device values written: <c>device.serial=SN-1;wifi.psk=***</c>.</summary>
    public string? DeviceValues { get; init; }

    public int? MasterRow { get; init; }

    /// <summary><c>BLOCK3 burned</c>, <c>skipped</c> or <c>dry-run</c>, with the words after: <c>BLOCK3 burned 00000000 … </c>.</summary>
    public string? Efuse { get; init; }

    /// <summary>The attempt's duration.</summary>
    public TimeSpan Duration => Ended - Started;
}
