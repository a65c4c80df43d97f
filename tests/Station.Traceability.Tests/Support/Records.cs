namespace Station.Traceability.Tests.Support;

/// <summary>Unit records as the line orchestrator produces them, with sensible defaults to override per test.</summary>
public static class Records
{
    public static readonly DateTimeOffset T0 = new(2025, 3, 4, 8, 0, 0, TimeSpan.Zero);

    public const string BootloaderSha = "1111111111111111111111111111111111111111111111111111111111111111";
    public const string AppSha = "2222222222222222222222222222222222222222222222222222222222222222";

    public static UnitRecord Pass(string batch = "B1", string? mac = "24:0A:C4:12:34:56", int slot = 1, int unit = 1, int attempt = 1, DateTimeOffset? started = null, double seconds = 10) =>
        Create(batch, mac, slot, unit, attempt, started ?? T0, seconds, UnitResult.Pass);

    public static UnitRecord Fail(string code, string cause, string batch = "B1", string? mac = "24:0A:C4:12:34:56", int slot = 1, int unit = 1, int attempt = 1, DateTimeOffset? started = null, double seconds = 10) =>
        Create(batch, mac, slot, unit, attempt, started ?? T0, seconds, UnitResult.Fail) with
        {
            ErrorCode = code,
            Cause = cause,
            Remedy = "Check the fixture.",
            Regions = [Bootloader(verified: true), App(actualMd5: null)],
        };

    public static RegionRecord Bootloader(bool verified = true) =>
        new("bootloader", 0x1000, 0x5000, BootloaderSha, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", verified ? "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" : null, true, verified);

    public static RegionRecord App(string? actualMd5 = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb") =>
        new("app", 0x10000, 0x40000, AppSha, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", actualMd5, actualMd5 is not null, actualMd5 == "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");

    public static string Mac(int n) => $"24:0A:C4:00:{n / 256:X2}:{n % 256:X2}";

    private static UnitRecord Create(string batch, string? mac, int slot, int unit, int attempt, DateTimeOffset started, double seconds, UnitResult result) => new()
    {
        RecordId = $"{batch}-s{slot}-u{unit}-a{attempt}-{Guid.NewGuid():N}",
        Batch = batch,
        StationId = "ST-01",
        Operator = "alice",
        Slot = slot,
        Port = $"/dev/ttyUSB{slot - 1}",
        UnitNumber = unit,
        Attempt = attempt,
        Started = started,
        Ended = started.AddSeconds(seconds),
        Mac = mac,
        Chip = mac is null ? null : "ESP32-S3",
        ChipRevision = mac is null ? null : "v0.2",
        FlashId = mac is null ? null : "0x1640EF",
        FlashSize = mac is null ? null : "4MB",
        ProfileName = "sensor-node",
        ProfileVersion = "1.4.0",
        ProfileSha256 = "3333333333333333333333333333333333333333333333333333333333333333",
        Regions = [Bootloader(), App()],
        Baud = 921600,
        Retries = 1,
        Result = result,
        StepSeconds = new Dictionary<string, double> { ["connect"] = 0.4321, ["identify"] = 0.05, ["write"] = 6.5, ["verify"] = 0.75, ["flash_id"] = 0.01 },
        BootCheck = new BootCheckRecord("app ready", result == UnitResult.Pass, result == UnitResult.Pass ? "I (312) main: app ready" : null, "I (300) boot: ...\nI (312) main: app ready"),
        Events =
        [
            new RecordedEvent(started.AddSeconds(0.2), "retry.connect", "No SYNC reply; trying classic reset", "E-CONNECT-NO-SYNC"),
            new RecordedEvent(started.AddSeconds(1), "baud", "Switched to 921600"),
        ],
    };
}
