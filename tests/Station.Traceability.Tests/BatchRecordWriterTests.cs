using System.Text;
using System.Text.Json;
using Station.Traceability.Csv;
using Station.Traceability.Json;
using Station.Traceability.Tests.Support;

namespace Station.Traceability.Tests;

public class BatchRecordWriterTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task WriteAsync_FirstRecord_WritesHeaderThenTheRow()
    {
        using var temp = new TempDirectory();
        var record = Records.Pass();

        await using (var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None))
        {
            Assert.True(writer.Opened.Created);
            await writer.WriteAsync(record, None);
        }

        string csv = await File.ReadAllTextAsync(temp.Combine("B1", "units.csv"));
        Assert.Equal(UnitCsvFormat.HeaderLine + UnitCsvFormat.FormatRow(UnitCsvRow.From(record)), csv);
    }

    [Fact]
    public async Task OpenAsync_BatchAlreadyOpenForWriting_IsRefusedUntilTheFirstWriterCloses()
    {
        using var temp = new TempDirectory();
        var first = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None);
        await first.WriteAsync(Records.Pass(), None);

        var e = await Assert.ThrowsAsync<RecordFileException>(() => BatchRecordWriter.OpenAsync(temp.Path, "B1", None));
        await using (var other = await BatchRecordWriter.OpenAsync(temp.Path, "B2", None))
        {
            await other.WriteAsync(Records.Pass() with { Batch = "B2" }, None);
        }

        await first.DisposeAsync();
        await using var again = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None);

        Assert.Contains("being written by another station process", e.Message, StringComparison.Ordinal);
        Assert.Single((await UnitCsvReader.ReadAsync(again.CsvPath, None)).Rows);
    }

    [Fact]
    public async Task WriteAsync_RecordWithMac_WritesItsHistoryUnderByMacWithDashes()
    {
        using var temp = new TempDirectory();
        await using var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None);

        await writer.WriteAsync(Records.Pass(mac: "24:0A:C4:12:34:56"), None);

        Assert.True(File.Exists(temp.Combine("B1", "by-mac", "24-0A-C4-12-34-56.json")));
        Assert.Empty(Directory.GetFiles(temp.Combine("B1", "by-mac"), "*.tmp"));
    }

    [Fact]
    public async Task WriteAsync_RecordWithoutMac_GoesToTheCsvOnly()
    {
        using var temp = new TempDirectory();
        await using var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None);

        await writer.WriteAsync(Records.Fail("E-CONNECT-NO-SYNC", "No SYNC", mac: null), None);

        Assert.Empty(Directory.GetFiles(temp.Combine("B1", "by-mac")));
        Assert.Single((await UnitCsvReader.ReadAsync(writer.CsvPath, None)).Rows);
    }

    [Fact]
    public async Task WriteAsync_64SlotsAtOnce_EveryRowIntactAndEveryAttemptInItsHistory()
    {
        using var temp = new TempDirectory();
        const int Slots = 64;
        const int AttemptsPerUnit = 3;
        await using var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None);

        await Task.WhenAll(Enumerable.Range(1, Slots).Select(slot => Task.Run(async () =>
        {
            for (int attempt = 1; attempt <= AttemptsPerUnit; attempt++)
            {
                var started = Records.T0.AddMinutes(attempt).AddSeconds(slot);
                var record = attempt < AttemptsPerUnit
                    ? Records.Fail("E-TIMEOUT", "Timed out", mac: Records.Mac(slot), slot: slot, unit: slot, attempt: attempt, started: started)
                    : Records.Pass(mac: Records.Mac(slot), slot: slot, unit: slot, attempt: attempt, started: started);
                await writer.WriteAsync(record, None);
            }
        })));

        var rows = (await UnitCsvReader.ReadAsync(writer.CsvPath, None)).Rows;
        Assert.Equal(Slots * AttemptsPerUnit, rows.Count);
        Assert.Equal(Slots * AttemptsPerUnit, rows.Select(r => r.RecordId).Distinct().Count());
        string[] lines = (await File.ReadAllTextAsync(writer.CsvPath)).Split('\n');
        Assert.Equal(1 + (Slots * AttemptsPerUnit) + 1, lines.Length); // header, rows, nothing after the last newline
        Assert.All(lines[1..^1], line => Assert.Equal(UnitCsvRowMap.ColumnNames.Count, line.Split(',').Length));
        for (int slot = 1; slot <= Slots; slot++)
        {
            var history = await UnitHistoryFile.ReadAsync(UnitHistoryFile.PathFor(writer.BatchDirectory, Records.Mac(slot)), None);
            Assert.NotNull(history);
            Assert.Equal([1, 2, 3], history.Attempts.Select(a => a.Attempt));
        }
    }

    [Fact]
    public async Task WriteAsync_ManyAttemptsOfOneMacAtOnce_HistoryKeepsThemAllInTimeOrder()
    {
        using var temp = new TempDirectory();
        await using var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None);

        await Task.WhenAll(Enumerable.Range(1, 16).Select(attempt => Task.Run(() =>
            writer.WriteAsync(Records.Pass(attempt: attempt, started: Records.T0.AddMinutes(-attempt)), None))));

        var history = await UnitHistoryFile.ReadAsync(UnitHistoryFile.PathFor(writer.BatchDirectory, "24:0A:C4:12:34:56"), None);
        Assert.Equal(Enumerable.Range(1, 16).Reverse(), history!.Attempts.Select(a => a.Attempt));
    }

    [Fact]
    public async Task WriteAsync_SameRecordTwice_HistoryHoldsItOnce()
    {
        using var temp = new TempDirectory();
        await using var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None);
        var record = Records.Pass();

        await writer.WriteAsync(record, None);
        await writer.WriteAsync(record, None);

        var history = await UnitHistoryFile.ReadAsync(UnitHistoryFile.PathFor(writer.BatchDirectory, record.Mac!), None);
        Assert.Single(history!.Attempts);
    }

    [Fact]
    public async Task WriteAsync_RecordOfAnotherBatch_IsRejectedBeforeAnythingIsWritten()
    {
        using var temp = new TempDirectory();
        await using var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None);

        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteAsync(Records.Pass(batch: "B2"), None));
        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteAsync(Records.Pass(mac: "../../etc"), None));

        Assert.Empty((await UnitCsvReader.ReadAsync(writer.CsvPath, None)).Rows);
    }

    [Fact]
    public async Task WriteAsync_CancelledBeforeWriting_WritesNothing()
    {
        using var temp = new TempDirectory();
        await using var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.WriteAsync(Records.Pass(), new CancellationToken(canceled: true)));

        Assert.Empty((await UnitCsvReader.ReadAsync(writer.CsvPath, None)).Rows);
        Assert.Empty(Directory.GetFiles(temp.Combine("B1", "by-mac")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData(" B1")]
    public async Task OpenAsync_BatchNameThatIsNotOnePathSegment_IsRefused(string batch)
    {
        using var temp = new TempDirectory();

        await Assert.ThrowsAsync<ArgumentException>(() => BatchRecordWriter.OpenAsync(temp.Path, batch, None));
    }

    [Fact]
    public async Task OpenAsync_TornTrailingRow_IsCutAndLaterAppendsAreIntact()
    {
        using var temp = new TempDirectory();
        var first = Records.Pass(mac: Records.Mac(1));
        await using (var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None))
        {
            await writer.WriteAsync(first, None);
        }

        string path = temp.Combine("B1", "units.csv");
        string torn = UnitCsvFormat.FormatRow(UnitCsvRow.From(Records.Pass(mac: Records.Mac(2))))[..57];
        await File.AppendAllTextAsync(path, torn); // what a crash mid-append leaves

        var second = Records.Pass(mac: Records.Mac(3));
        await using (var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None))
        {
            Assert.True(writer.Opened.RepairedTornRow);
            Assert.False(writer.Opened.Created);
            Assert.Equal(57, writer.Opened.RemovedBytes);
            Assert.Equal(torn, writer.Opened.RemovedText);
            await writer.WriteAsync(second, None);
        }

        var rows = (await UnitCsvReader.ReadAsync(path, None)).Rows;
        Assert.Equal([first.RecordId, second.RecordId], rows.Select(r => r.RecordId));
    }

    [Fact]
    public async Task OpenAsync_WholeFile_ReportsNoRepairAndKeepsEveryByte()
    {
        using var temp = new TempDirectory();
        await using (var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None))
        {
            await writer.WriteAsync(Records.Pass(), None);
        }

        byte[] before = await File.ReadAllBytesAsync(temp.Combine("B1", "units.csv"));
        await using (var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None))
        {
            Assert.False(writer.Opened.RepairedTornRow);
            Assert.False(writer.Opened.Created);
        }

        Assert.Equal(before, await File.ReadAllBytesAsync(temp.Combine("B1", "units.csv")));
    }

    [Fact]
    public async Task OpenAsync_TornHeader_StartsTheFileAfresh()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("B1"));
        await File.WriteAllTextAsync(temp.Combine("B1", "units.csv"), UnitCsvFormat.HeaderLine[..20]);

        await using var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None);

        Assert.True(writer.Opened.Created);
        Assert.Equal(20, writer.Opened.RemovedBytes);
        Assert.Equal(UnitCsvFormat.HeaderLine, await File.ReadAllTextAsync(writer.CsvPath));
    }

    [Theory]
    [InlineData("record_id,batch,station,operator\nr1,B1,S,o\n", "column 3 is 'station' where this station writes 'station_id'")]
    [InlineData("some,other,file", "column 1 is 'some'")]
    public async Task OpenAsync_HeaderOfAnotherLayout_IsRefusedAndTheFileLeftAlone(string content, string expected)
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("B1"));
        string path = temp.Combine("B1", "units.csv");
        await File.WriteAllTextAsync(path, content);

        var error = await Assert.ThrowsAsync<RecordFileException>(() => BatchRecordWriter.OpenAsync(temp.Path, "B1", None));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("move the file aside or use a new batch name", error.Message, StringComparison.Ordinal);
        Assert.Equal(content, await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task OpenAsync_HeaderWithAnExtraColumn_IsRefused()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("B1"));
        await File.WriteAllTextAsync(temp.Combine("B1", "units.csv"), UnitCsvFormat.HeaderLine.TrimEnd('\n') + ",extra\n");

        var error = await Assert.ThrowsAsync<RecordFileException>(() => BatchRecordWriter.OpenAsync(temp.Path, "B1", None));

        Assert.Contains("first extra: 'extra'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrashDuringAppend_AtEveryByteOfTheLastRow_ReaderAndRepairKeepEveryCompleteRow()
    {
        using var temp = TempDirectory.InMemory();
        var records = Enumerable.Range(1, 3).Select(i => Records.Pass(mac: Records.Mac(i), slot: i, unit: i)).ToList();
        await using (var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None))
        {
            foreach (var record in records)
            {
                await writer.WriteAsync(record, None);
            }
        }

        string path = temp.Combine("B1", "units.csv");
        byte[] whole = await File.ReadAllBytesAsync(path);
        int lastRowLength = Encoding.UTF8.GetByteCount(UnitCsvFormat.FormatRow(UnitCsvRow.From(records[^1])));
        int lastRowStart = whole.Length - lastRowLength;
        var after = Records.Fail("E-CONNECT-NO-SYNC", "No SYNC", mac: null, slot: 9, unit: 9);

        for (int cut = lastRowStart; cut <= whole.Length; cut++)
        {
            await CrashAsync(path, whole, lastRowStart, cut);
            bool lastRowWhole = cut == whole.Length;
            string[] expected = [.. records.Take(lastRowWhole ? 3 : 2).Select(r => r.RecordId)];

            var read = await UnitCsvReader.ReadAsync(path, None);
            Assert.Equal(expected, read.Rows.Select(r => r.RecordId));
            Assert.Equal(cut - (lastRowWhole ? whole.Length : lastRowStart), read.IgnoredTailBytes);

            // Appending after the repair costs fsyncs; every 25th cut and both ends are enough to show later rows land intact.
            bool append = (cut - lastRowStart) % 25 == 0 || cut >= whole.Length - 1;
            await using (var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None))
            {
                Assert.Equal(cut - (lastRowWhole ? whole.Length : lastRowStart), writer.Opened.RemovedBytes);
                if (append)
                {
                    await writer.WriteAsync(after, None);
                }
            }

            int kept = lastRowWhole ? whole.Length : lastRowStart;
            byte[] repaired = await File.ReadAllBytesAsync(path);
            Assert.Equal(whole[..kept], repaired[..kept]);
            if (append)
            {
                var rows = await UnitCsvReader.ReadAsync(path, None);
                Assert.Equal([.. expected, after.RecordId], rows.Rows.Select(r => r.RecordId));
                Assert.Equal(0, rows.IgnoredTailBytes);
            }
            else
            {
                Assert.Equal(kept, repaired.Length);
            }
        }
    }

    [Fact]
    public async Task PowerCutDuringAppend_LastLineOfNuls_IsRepaired()
    {
        using var temp = new TempDirectory();
        var first = Records.Pass();
        await using (var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None))
        {
            await writer.WriteAsync(first, None);
        }

        string path = temp.Combine("B1", "units.csv");
        await File.AppendAllTextAsync(path, new string('\0', 40) + "\n");

        Assert.Single((await UnitCsvReader.ReadAsync(path, None)).Rows);
        await using var reopened = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None);
        Assert.Equal(41, reopened.Opened.RemovedBytes);
    }

    [Fact]
    public async Task CrashDuringHistoryWrite_StrayTmp_IsIgnoredByReadersAndReplacedByTheNextWrite()
    {
        using var temp = new TempDirectory();
        var first = Records.Pass(attempt: 1);
        await using var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None);
        await writer.WriteAsync(first, None);
        string path = UnitHistoryFile.PathFor(writer.BatchDirectory, first.Mac!);
        string whole = await File.ReadAllTextAsync(path);

        for (int cut = 0; cut < whole.Length; cut += 97)
        {
            await File.WriteAllTextAsync(path + ".tmp", whole[..cut]); // a crash before the rename

            var history = await UnitHistoryFile.ReadAsync(path, None);
            Assert.Equal([first.RecordId], history!.Attempts.Select(a => a.RecordId));
        }

        var second = Records.Pass(attempt: 2, started: Records.T0.AddMinutes(1));
        await writer.WriteAsync(second, None);

        Assert.False(File.Exists(path + ".tmp"));
        var after = await UnitHistoryFile.ReadAsync(path, None);
        Assert.Equal([first.RecordId, second.RecordId], after!.Attempts.Select(a => a.RecordId));
    }

    [Fact]
    public async Task ByMacFile_RoundTripsToTheSameRecords()
    {
        using var temp = new TempDirectory();
        var records = new[]
        {
            Records.Fail("E-VERIFY-MD5", "MD5 differs") with { Regions = [Records.Bootloader(), Records.App(actualMd5: "cccccccccccccccccccccccccccccccc")] },
            Records.Pass(attempt: 2, started: Records.T0.AddMinutes(1)) with { Started = new DateTimeOffset(2025, 3, 4, 10, 1, 0, TimeSpan.FromHours(2)).AddTicks(1234) },
        };
        await using var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None);
        foreach (var record in records)
        {
            await writer.WriteAsync(record, None);
        }

        var history = await UnitHistoryFile.ReadAsync(UnitHistoryFile.PathFor(writer.BatchDirectory, "24:0a:c4:12:34:56"), None);

        Assert.Equal("24:0A:C4:12:34:56", history!.Mac);
        Assert.Equal(records.Select(Json), history.Attempts.Select(Json));
        var read = history.Attempts[0];
        Assert.Equal(records[0].Regions, read.Regions);
        Assert.Equal(records[0].Events, read.Events);
        Assert.Equal(records[0].BootCheck, read.BootCheck);
        Assert.Equal(records[0].StepSeconds, read.StepSeconds);
        Assert.Equal(records[1].Started, history.Attempts[1].Started);
        Assert.Equal(records[1].Started.Offset, history.Attempts[1].Started.Offset);
    }

    [Fact]
    public async Task ByMacFile_Layout_IsCamelCaseWithUpperCaseResultsAndHexAddresses()
    {
        using var temp = new TempDirectory();
        await using var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", None);
        await writer.WriteAsync(Records.Pass(), None);

        string json = await File.ReadAllTextAsync(UnitHistoryFile.PathFor(writer.BatchDirectory, "24:0A:C4:12:34:56"));
        using var document = JsonDocument.Parse(json);
        var attempt = document.RootElement.GetProperty("attempts")[0];

        Assert.Equal("24:0A:C4:12:34:56", document.RootElement.GetProperty("mac").GetString());
        Assert.Equal("PASS", attempt.GetProperty("result").GetString());
        Assert.Equal("0x10000", attempt.GetProperty("regions")[1].GetProperty("address").GetString());
        Assert.Equal(6.5, attempt.GetProperty("stepSeconds").GetProperty("write").GetDouble());
        Assert.Equal("2025-03-04T08:00:00+00:00", attempt.GetProperty("started").GetString());
        Assert.False(attempt.TryGetProperty("errorCode", out _));
        Assert.Contains("\n  \"attempts\": [", json, StringComparison.Ordinal);
    }

    /// <summary>Leaves the file as a crash after <paramref name="cut"/> bytes would, rewriting only from <paramref name="from"/> (cheaper than a whole new file).</summary>
    private static async Task CrashAsync(string path, byte[] whole, int from, int cut)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.SetLength(from);
        file.Position = from;
        await file.WriteAsync(whole.AsMemory(from, cut - from));
    }

    private static string Json(UnitRecord record) => JsonSerializer.Serialize(record, UnitRecordJson.Options);
}
