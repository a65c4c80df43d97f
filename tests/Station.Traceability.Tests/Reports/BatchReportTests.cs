using System.Text.Json;
using Station.Traceability.Csv;
using Station.Traceability.Reports;
using Station.Traceability.Tests.Support;

namespace Station.Traceability.Tests.Reports;

public class BatchReportTests
{
    private const string NoSync = "E-CONNECT-NO-SYNC";
    private const string Md5 = "E-VERIFY-MD5";

    /// <summary>
    /// Seven units over one hour: A passes on its second attempt, B at once, C after an attempt that failed
    /// before its MAC was read (same slot and unit number), D never identified, E and F fail, G interrupted.
    /// </summary>
    private static IReadOnlyList<UnitRecord> CraftedBatch()
    {
        DateTimeOffset At(int seconds) => Records.T0.AddSeconds(seconds);
        return
        [
            Records.Fail(Md5, "MD5 differs", mac: Records.Mac(1), slot: 1, unit: 1, attempt: 1, started: At(0)),
            Records.Pass(mac: Records.Mac(1), slot: 1, unit: 1, attempt: 2, started: At(20)) with { Baud = 460800 },
            Records.Pass(mac: Records.Mac(2), slot: 2, unit: 2, started: At(300)),
            Records.Fail(NoSync, "No SYNC reply", mac: null, slot: 3, unit: 3, attempt: 1, started: At(600)),
            Records.Pass(mac: Records.Mac(3), slot: 3, unit: 3, attempt: 2, started: At(620)),
            Records.Fail(NoSync, "No SYNC reply", mac: null, slot: 4, unit: 4, started: At(900)) with { Baud = null },
            Records.Fail(NoSync, "Chip in wrong boot mode", mac: Records.Mac(5), slot: 5, unit: 5, started: At(1200)),
            Records.Fail(NoSync, "No SYNC reply", mac: Records.Mac(8), slot: 8, unit: 8, started: At(1300)),
            Records.Fail(Md5, "MD5 differs", mac: Records.Mac(6), slot: 6, unit: 6, started: At(1500)) with
            {
                Events = [new RecordedEvent(At(1501), "retry.region", "region app at 460800 baud"), new RecordedEvent(At(1502), "retry.region", "again"), new RecordedEvent(At(1503), "notice", "slow")],
            },
            Records.Pass(mac: Records.Mac(7), slot: 7, unit: 7, started: At(3590)) with { Result = UnitResult.Interrupted },
        ];
    }

    [Fact]
    public void From_CraftedBatch_CountsUnitsByMacAndFinalAttempt()
    {
        var report = BatchReport.From("B1", CraftedBatch().Select(UnitCsvRow.From));

        Assert.Equal(10, report.Attempts);
        Assert.Equal(8, report.Units);
        Assert.Equal(3, report.PassUnits);
        Assert.Equal(4, report.FailUnits);
        Assert.Equal(1, report.InterruptedUnits);
    }

    [Fact]
    public void From_CraftedBatch_YieldAndUnitsPerHourCountFinishedUnits()
    {
        var report = BatchReport.From("B1", CraftedBatch().Select(UnitCsvRow.From));

        Assert.Equal(100.0 * 3 / 7, report.YieldPercent!.Value, precision: 9);
        Assert.Equal(7.0, report.UnitsPerHour!.Value, precision: 9); // 7 finished units, first start to last end = 1 h
        Assert.Equal(Records.T0, report.FirstStarted);
        Assert.Equal(Records.T0.AddHours(1), report.LastEnded);
    }

    [Fact]
    public void From_CraftedBatch_UnitTimeSumsEveryAttemptOfAUnit()
    {
        var report = BatchReport.From("B1", CraftedBatch().Select(UnitCsvRow.From));

        // A and C took two 10 s attempts; B, D, E, F and the slot-8 unit one each.
        Assert.Equal(90.0 / 7, report.AverageUnitSeconds!.Value, precision: 9);
        Assert.Equal(10.0, report.MedianUnitSeconds);
    }

    [Fact]
    public void From_CraftedBatch_FailuresByCauseCountOnlyFinalFailures()
    {
        var report = BatchReport.From("B1", CraftedBatch().Select(UnitCsvRow.From));

        Assert.Equal(
            [new FailureCause(NoSync, "No SYNC reply", 3), new FailureCause(Md5, "MD5 differs", 1)],
            report.FailuresByCause);
    }

    [Fact]
    public void From_CraftedBatch_RetriesByKindComeFromEventKinds()
    {
        var report = BatchReport.From("B1", CraftedBatch().Select(UnitCsvRow.From));

        // Every crafted attempt but F's carries one retry.connect event; F's has two retry.region and a notice.
        Assert.Equal([new KindCount("retry.connect", 9), new KindCount("retry.region", 2)], report.RetriesByKind);
        Assert.Equal(10, report.Retries);
    }

    [Fact]
    public void From_CraftedBatch_BaudsCountAttemptsFastestFirst()
    {
        var report = BatchReport.From("B1", CraftedBatch().Select(UnitCsvRow.From));

        Assert.Equal([new BaudCount(921600, 8), new BaudCount(460800, 1)], report.Bauds);
    }

    [Fact]
    public void From_RowWrittenTwiceByARetriedWrite_CountsOnce()
    {
        var rows = CraftedBatch().Select(UnitCsvRow.From).ToList();

        var report = BatchReport.From("B1", [.. rows, rows[2]]);

        Assert.Equal(10, report.Attempts);
        Assert.Equal(3, report.PassUnits);
    }

    [Fact]
    public void From_NoRows_HasNoFigures()
    {
        var report = BatchReport.From("B1", []);

        Assert.Equal(0, report.Units);
        Assert.Null(report.YieldPercent);
        Assert.Null(report.UnitsPerHour);
        Assert.Null(report.MedianUnitSeconds);
    }

    [Fact]
    public async Task ReadAsync_BatchWithTornLastRow_ReportsTheCompleteRowsAndTheIgnoredBytes()
    {
        using var temp = new TempDirectory();
        await using (var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", CancellationToken.None))
        {
            foreach (var record in CraftedBatch())
            {
                await writer.WriteAsync(record, CancellationToken.None);
            }
        }

        await File.AppendAllTextAsync(temp.Combine("B1", "units.csv"), "torn,B1,ST-01");

        var report = await BatchReport.ReadAsync(new ReportsDirectory(temp.Path), "B1", CancellationToken.None);

        var expected = BatchReport.From("B1", CraftedBatch().Select(UnitCsvRow.From)) with { IgnoredTailBytes = 13 };
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(report));
        Assert.Equal(3, report.PassUnits);
        Assert.Equal(13, report.IgnoredTailBytes);
    }

    [Fact]
    public void Render_CraftedBatch_PrintsYieldThroughputAndCauses()
    {
        string text = BatchReportText.Render(BatchReport.From("B1", CraftedBatch().Select(UnitCsvRow.From)));

        Assert.Contains("  Units       8 (PASS 3, FAIL 4, INTERRUPTED 1) from 10 attempts\n", text, StringComparison.Ordinal);
        Assert.Contains("  Yield       42.9 % of 7 finished units\n", text, StringComparison.Ordinal);
        Assert.Contains("  Throughput  7.0 units/hour", text, StringComparison.Ordinal);
        Assert.Contains("      3  E-CONNECT-NO-SYNC  No SYNC reply\n", text, StringComparison.Ordinal);
        Assert.Contains("  retry.connect      9\n", text, StringComparison.Ordinal);
    }
}
