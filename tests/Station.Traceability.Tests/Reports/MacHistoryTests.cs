using Station.Traceability.Reports;
using Station.Traceability.Tests.Support;

namespace Station.Traceability.Tests.Reports;

public class MacHistoryTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly string Unit = Records.Mac(1);

    private static async Task WriteAsync(string reports, string batch, params UnitRecord[] records)
    {
        await using var writer = await BatchRecordWriter.OpenAsync(reports, batch, None);
        foreach (var record in records)
        {
            await writer.WriteAsync(record, None);
        }
    }

    [Fact]
    public async Task ReadAsync_UnitInTwoBatches_ReturnsEveryAttemptInTimeOrder()
    {
        using var temp = new TempDirectory();
        // B1 sorts first by name but its attempts came later: the rework after B2's failure.
        var rework = Records.Pass(batch: "B1", mac: Unit, started: Records.T0.AddDays(1));
        var firstTry = Records.Fail("E-VERIFY-MD5", "MD5 differs", batch: "B2", mac: Unit, attempt: 1, started: Records.T0);
        var secondTry = Records.Fail("E-VERIFY-MD5", "MD5 differs", batch: "B2", mac: Unit, attempt: 2, started: Records.T0.AddMinutes(1));
        await WriteAsync(temp.Path, "B1", rework, Records.Pass(batch: "B1", mac: Records.Mac(2)));
        await WriteAsync(temp.Path, "B2", secondTry, firstTry);

        var history = await MacHistory.ReadAsync(new ReportsDirectory(temp.Path), Unit.ToLowerInvariant().Replace(':', '-'), None);

        Assert.Equal(Unit, history.Mac);
        Assert.Equal([firstTry.RecordId, secondTry.RecordId, rework.RecordId], history.Attempts.Select(a => a.RecordId));
        Assert.Equal(["B2", "B1"], history.Batches);
        Assert.Equal(2, history.BatchesSearched);
    }

    [Fact]
    public async Task ReadAsync_StrayTmpFromACrash_IsIgnored()
    {
        using var temp = new TempDirectory();
        var record = Records.Pass(mac: Unit);
        await WriteAsync(temp.Path, "B1", record);
        await WriteAsync(temp.Path, "B2", Records.Pass(batch: "B2", mac: Records.Mac(2)));
        await File.WriteAllTextAsync(temp.Combine("B1", "by-mac", "24-0A-C4-00-00-01.json.tmp"), "{ \"mac\": \"24:0A:C4:00:00:01\", \"attem");
        await File.WriteAllTextAsync(temp.Combine("B2", "by-mac", "24-0A-C4-00-00-01.json.tmp"), "{ \"ma");

        var history = await MacHistory.ReadAsync(new ReportsDirectory(temp.Path), Unit, None);

        Assert.Equal([record.RecordId], history.Attempts.Select(a => a.RecordId));
    }

    [Fact]
    public async Task ReadAsync_UnknownMac_IsNotFoundAndSaysHowManyBatchesWereSearched()
    {
        using var temp = new TempDirectory();
        await WriteAsync(temp.Path, "B1", Records.Pass(mac: Unit));

        var history = await MacHistory.ReadAsync(new ReportsDirectory(temp.Path), "AA:BB:CC:DD:EE:FF", None);

        Assert.False(history.Found);
        Assert.Equal(1, history.BatchesSearched);
    }

    [Fact]
    public async Task ReadAsync_TextThatIsNotAMac_IsRefused()
    {
        using var temp = new TempDirectory();

        await Assert.ThrowsAsync<ArgumentException>(() => MacHistory.ReadAsync(new ReportsDirectory(temp.Path), "../B1/units", None));
    }

    [Fact]
    public async Task Render_FailedThenPassed_ShowsEachAttemptWithRegionsAndBootCheck()
    {
        using var temp = new TempDirectory();
        var failed = Records.Fail("E-VERIFY-MD5", "MD5 differs", mac: Unit, attempt: 1) with { Regions = [Records.Bootloader(), Records.App(actualMd5: "cccccccccccccccccccccccccccccccc")] };
        var passed = Records.Pass(mac: Unit, attempt: 2, started: Records.T0.AddMinutes(1));
        await WriteAsync(temp.Path, "B1", failed, passed);

        string text = MacHistoryText.Render(await MacHistory.ReadAsync(new ReportsDirectory(temp.Path), Unit, None));

        Assert.StartsWith("24:0A:C4:00:00:01: 2 attempts in 1 batch (B1)\n", text, StringComparison.Ordinal);
        Assert.Contains("B1  2025-03-04T08:00:00.000+00:00 to 2025-03-04T08:00:10.000+00:00 (10.0 s)  FAIL E-VERIFY-MD5: MD5 differs\n", text, StringComparison.Ordinal);
        Assert.Contains("  slot 1 (/dev/ttyUSB0), unit 1, attempt 1, station ST-01, operator alice", text, StringComparison.Ordinal);
        Assert.Contains("  region app         0x10000    MD5 MISMATCH expected bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb actual cccccccccccccccccccccccccccccccc", text, StringComparison.Ordinal);
        Assert.Contains("  region bootloader  0x1000     MD5 ok aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", text, StringComparison.Ordinal);
        Assert.Contains("  boot check \"app ready\": PASS (I (312) main: app ready)\n", text, StringComparison.Ordinal);
        Assert.Contains("  baud 921600, retries 1\n", text, StringComparison.Ordinal);
    }
}
