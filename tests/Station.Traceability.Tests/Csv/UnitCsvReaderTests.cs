using Station.Traceability.Csv;
using Station.Traceability.Tests.Support;

namespace Station.Traceability.Tests.Csv;

public class UnitCsvReaderTests
{
    [Fact]
    public async Task ReadAsync_RowsWrittenByTheWriter_RoundTripTheirCells()
    {
        using var temp = new TempDirectory();
        var record = Records.Fail("E-VERIFY-MD5", "MD5, differs") with { Mac = null, Baud = null };
        await using (var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", CancellationToken.None))
        {
            await writer.WriteAsync(record, CancellationToken.None);
        }

        var contents = await UnitCsvReader.ReadAsync(temp.Combine("B1", "units.csv"), CancellationToken.None);

        var row = Assert.Single(contents.Rows);
        Assert.Equal(0, contents.IgnoredTailBytes);
        Assert.Equal(record.RecordId, row.RecordId);
        Assert.Equal(record.Started, row.Started);
        Assert.Equal(TimeSpan.Zero, row.Started.Offset);
        Assert.Null(row.Mac);
        Assert.Null(row.Baud);
        Assert.Equal(UnitResult.Fail, row.Result);
        Assert.Equal("MD5, differs", row.Cause);
        Assert.Equal(0.432, row.ConnectSeconds);
        Assert.Null(row.ResetSeconds);
        Assert.Equal(new Dictionary<string, int> { ["baud"] = 1, ["retry.connect"] = 1 }, row.EventKindCounts());
    }

    [Fact]
    public async Task ReadAsync_SlotNameAndUsb_RoundTripEvenWithACommaInTheName()
    {
        using var temp = new TempDirectory();
        var record = Records.Pass() with { SlotName = "fixture A, slot 3", Usb = "10c4:ea60 CP210x sn 0001 at 1-1.4.2" };
        await using (var writer = await BatchRecordWriter.OpenAsync(temp.Path, "B1", CancellationToken.None))
        {
            await writer.WriteAsync(record, CancellationToken.None);
        }

        var row = Assert.Single((await UnitCsvReader.ReadAsync(temp.Combine("B1", "units.csv"), CancellationToken.None)).Rows);

        Assert.Equal("fixture A, slot 3", row.SlotName);
        Assert.Equal("10c4:ea60 CP210x sn 0001 at 1-1.4.2", row.Usb);
    }

    [Fact]
    public async Task ReadAsync_FileFromBeforeSlotNamesExisted_ReadsWithTheNewCellsBlank()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("units.csv");
        string header = UnitCsvFormat.HeaderLine.Replace(",slot_name,usb\n", "\n", StringComparison.Ordinal);
        string row = UnitCsvFormat.FormatRow(UnitCsvRow.From(Records.Pass()));
        Assert.EndsWith(",,\n", row);
        await File.WriteAllTextAsync(path, header + row[..^3] + "\n");

        var read = Assert.Single((await UnitCsvReader.ReadAsync(path, CancellationToken.None)).Rows);

        Assert.Equal(UnitResult.Pass, read.Result);
        Assert.Null(read.SlotName);
        Assert.Null(read.Usb);
    }

    [Fact]
    public async Task ReadAsync_HeaderMissingAColumn_NamesTheFileAndColumn()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("units.csv");
        await File.WriteAllTextAsync(path, "record_id,batch\nr1,B1\n");

        var error = await Assert.ThrowsAsync<RecordFileException>(() => UnitCsvReader.ReadAsync(path, CancellationToken.None));

        Assert.Equal(path, error.Path);
        Assert.Contains("station_id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_EmptyFile_HasNoRows()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("units.csv");
        await File.WriteAllBytesAsync(path, []);

        var contents = await UnitCsvReader.ReadAsync(path, CancellationToken.None);

        Assert.Empty(contents.Rows);
    }
}
