namespace Station.Traceability;

/// <summary>How a unit attempt ended.</summary>
public enum UnitResult
{
    Pass,
    Fail,

    /// <summary>Stopped by the station (SIGINT) or the port vanished before a verdict could be reached.</summary>
    Interrupted,
}

/// <summary>What happened to one image region on one unit.</summary>
/// <param name="ImageSha256">SHA-256 of the image file as pinned in the profile.</param>
/// <param name="ExpectedMd5">MD5 of the bytes that had to land in flash (after header patch and padding).</param>
/// <param name="ActualMd5">MD5 the device reported, or null when not read.</param>
/// <param name="Verified">True only when the device's MD5 equalled <paramref name="ExpectedMd5"/>.</param>
public sealed record RegionRecord(string Name, uint Address, int Size, string ImageSha256, string ExpectedMd5, string? ActualMd5, bool Written, bool Verified);

/// <summary>Something worth keeping that happened during the attempt: a retry, a notice, a step failure.</summary>
/// <param name="Kind">e.g. "retry.connect", "retry.region", "retry.block", "notice", "step.failed", "baud".</param>
/// <param name="Code">The error code involved, if any.</param>
public sealed record RecordedEvent(DateTimeOffset At, string Kind, string Text, string? Code = null);

/// <summary>The outcome of reading the app's boot log after flashing.</summary>
/// <param name="MatchedLine">The log line that matched, or null.</param>
/// <param name="LogTail">The last lines seen (kept for failures).</param>
public sealed record BootCheckRecord(string Pattern, bool Passed, string? MatchedLine, string LogTail);

/// <summary>What was burned into the unit's eFuses (or would have been, on a dry run).</summary>
/// <param name="Action">"burned", "skipped" (already held the value) or "dry-run".</param>
/// <param name="WordsBefore">The block's words before, as 8-digit hex.</param>
/// <param name="WordsAfter">The block's words after (on a dry run: what they would be).</param>
public sealed record EfuseRecord(string Block, string Action, IReadOnlyList<string> WordsBefore, IReadOnlyList<string> WordsAfter);

/// <summary>What made the unit unique: its serial, its NVS partition and the values in it, its eFuse burns.</summary>
/// <param name="Values">"namespace.key" → value as written; secret values are "***".</param>
/// <param name="MasterRow">The 1-based row of the mass-manufacturing values CSV the unit took, if any.</param>
public sealed record DeviceDataRecord(
    string? Serial,
    uint? NvsOffset,
    string? NvsSha256,
    IReadOnlyDictionary<string, string> Values,
    int? MasterRow = null,
    EfuseRecord? Efuse = null);

/// <summary>
/// One attempt at one unit: everything QA needs to trace it (who, where, when, what went in, every
/// retry and digest, the verdict). Written durably before the slot shows its verdict.
/// </summary>
public sealed record UnitRecord
{
    /// <summary>Unique id of this attempt record.</summary>
    public required string RecordId { get; init; }

    /// <summary>"flash" (the line wrote the unit) or "qa" (re-verified only; regions are not written).</summary>
    public string Operation { get; init; } = "flash";

    public required string Batch { get; init; }

    public required string StationId { get; init; }

    public required string Operator { get; init; }

    /// <summary>1-based slot number and its port.</summary>
    public required int Slot { get; init; }

    public required string Port { get; init; }

    /// <summary>The slot's name from the station file ("fixture A, slot 3"), when it has one.</summary>
    public string? SlotName { get; init; }

    /// <summary>The USB bridge the port was on when known: VID:PID, bridge, serial number and hub path (e.g. "10c4:ea60 CP210x sn 0001 at 1-1.4.2").</summary>
    public string? Usb { get; init; }

    /// <summary>The job's running unit number (1-based) and the attempt at that unit (1-based).</summary>
    public required int UnitNumber { get; init; }

    public required int Attempt { get; init; }

    public required DateTimeOffset Started { get; init; }

    public required DateTimeOffset Ended { get; init; }

    /// <summary>Upper-case colon MAC; null when the unit failed before it could be identified.</summary>
    public string? Mac { get; init; }

    public string? Chip { get; init; }

    public string? ChipRevision { get; init; }

    /// <summary>JEDEC id as "0x1640EF".</summary>
    public string? FlashId { get; init; }

    /// <summary>Flash size as "4MB".</summary>
    public string? FlashSize { get; init; }

    public required string ProfileName { get; init; }

    public required string ProfileVersion { get; init; }

    public required string ProfileSha256 { get; init; }

    public required IReadOnlyList<RegionRecord> Regions { get; init; }

    /// <summary>The baud the unit was written at (the last one used).</summary>
    public int? Baud { get; init; }

    /// <summary>Retries of any kind during this attempt (connect, block, region).</summary>
    public int Retries { get; init; }

    public required UnitResult Result { get; init; }

    public string? ErrorCode { get; init; }

    public string? Cause { get; init; }

    public string? Remedy { get; init; }

    /// <summary>Seconds spent per step ("connect", "identify", "baud", "stub", "attach", "write", "verify", "reset", "boot_check").</summary>
    public required IReadOnlyDictionary<string, double> StepSeconds { get; init; }

    public BootCheckRecord? BootCheck { get; init; }

    /// <summary>The unit's per-device data, when the profile has any.</summary>
    public DeviceDataRecord? DeviceData { get; init; }

    public required IReadOnlyList<RecordedEvent> Events { get; init; }
}

/// <summary>Where unit records go. Implementations write durably: when the call returns the record survives a crash.</summary>
public interface IRecordSink
{
    Task WriteAsync(UnitRecord record, CancellationToken cancellationToken);
}
