using System.Text;
using System.Text.RegularExpressions;
using Station.Traceability.Csv;
using Station.Traceability.Tests.Support;
using Station.Testing.Fuzz;

namespace Station.Traceability.Tests.Fuzz;

/// <summary>
/// units.csv damaged many ways: reading gives rows or a <see cref="RecordFileException"/> that names the file and,
/// for a bad row, the line it starts on and the column. Nothing else escapes, and a read never hangs.
/// </summary>
public sealed partial class UnitCsvReaderFuzzTests : IDisposable
{
    private static readonly string Header = UnitCsvFormat.HeaderLine;

    private readonly TempDirectory _temp = TempDirectory.InMemory();

    public void Dispose() => _temp.Dispose();

    private string FilePath => _temp.Combine(UnitCsvFormat.FileName);

    [Fact]
    public async Task ReadAsync_MutatedUnitsCsv_GivesRowsOrARecordFileErrorWithALine()
    {
        string valid = Header + string.Concat(
            new[] { Records.Pass(unit: 1), Records.Fail("E-VERIFY-MD5", "MD5, \"differs\"", unit: 2), Records.Pass(mac: null, unit: 3) }
                .Select(r => UnitCsvFormat.FormatRow(UnitCsvRow.From(r))));

        // Each read compiles CsvHelper's row reader afresh (tens of milliseconds), so cases are few but varied.
        await FuzzCases.RunAsync(7001, 150, random => UnitsCsvMutator.Mutate(random, valid), async mutation =>
        {
            await File.WriteAllBytesAsync(FilePath, mutation.Bytes);
            try
            {
                var contents = await UnitCsvReader.ReadAsync(FilePath, CancellationToken.None);
                Assert.InRange(contents.IgnoredTailBytes, 0, mutation.Bytes.Length);
            }
            catch (RecordFileException e)
            {
                Assert.Equal(FilePath, e.Path);
                Assert.StartsWith(FilePath + ": ", e.Message, StringComparison.Ordinal);
                Assert.DoesNotContain('\0', e.Message);
                int lines = mutation.Bytes.Count(b => b == (byte)'\n') + 1;
                if (LineNumber().Match(e.Message) is { Success: true } line)
                {
                    Assert.InRange(int.Parse(line.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 1, lines);
                }
                else
                {
                    Assert.Contains("the header lacks columns", e.Message, StringComparison.Ordinal);
                }
            }
        }, mutation => $"{mutation.Description}{Environment.NewLine}{Encoding.UTF8.GetString(mutation.Bytes[..Math.Min(mutation.Bytes.Length, 4000)])}");
    }

    [Theory]
    [InlineData(2, "slot", "abc", "line 3, column 'slot': 'abc' is not a whole number")]
    [InlineData(1, "started", "yesterday", "line 2, column 'started': 'yesterday' is not a time like 2025-03-04T08:00:00.000+00:00")]
    [InlineData(2, "result", "MAYBE", "line 3, column 'result': 'MAYBE' is not PASS, FAIL or INTERRUPTED")]
    [InlineData(1, "t_write_s", "1e999x", "line 2, column 't_write_s': '1e999x' is not a number")]
    public async Task ReadAsync_CellOfTheWrongShape_NamesLineColumnAndWhatItShouldHold(int row, string column, string value, string expected)
    {
        string[] rows = [Row(1), Row(2)];
        rows[row - 1] = WithCell(rows[row - 1], column, value);
        await File.WriteAllTextAsync(FilePath, Header + string.Concat(rows));

        var e = await Assert.ThrowsAsync<RecordFileException>(() => UnitCsvReader.ReadAsync(FilePath, CancellationToken.None));

        Assert.Equal($"{FilePath}: {expected}", e.Message);
    }

    [Fact]
    public async Task ReadAsync_BadRowAfterACellSpanningLines_CountsFileLinesNotRows()
    {
        // Row 1 holds a quoted line break, so row 2 starts on line 4 of the file.
        string spanning = WithCell(Row(1), "cause", "\"first\nsecond\"");
        string bad = WithCell(Row(2), "unit", "two");
        await File.WriteAllTextAsync(FilePath, Header + spanning + bad);

        var e = await Assert.ThrowsAsync<RecordFileException>(() => UnitCsvReader.ReadAsync(FilePath, CancellationToken.None));

        Assert.Equal($"{FilePath}: line 4, column 'unit': 'two' is not a whole number", e.Message);
    }

    [Fact]
    public async Task ReadAsync_WrongCellBeforeAStrayQuote_NamesTheWrongCell()
    {
        // Found by fuzzing: describing the first failure must not read the row's other cells, which throw again.
        string row = WithCell(WithCell(Row(1), "slot", "abc"), "port", "/dev/tty\"USB0");
        await File.WriteAllTextAsync(FilePath, Header + row);

        var e = await Assert.ThrowsAsync<RecordFileException>(() => UnitCsvReader.ReadAsync(FilePath, CancellationToken.None));

        Assert.Equal($"{FilePath}: line 2, column 'slot': 'abc' is not a whole number", e.Message);
    }

    [Fact]
    public async Task ReadAsync_StrayQuoteInACell_SaysSoAtItsLine()
    {
        await File.WriteAllTextAsync(FilePath, Header + Row(1) + WithCell(Row(2), "operator", "al\"ice"));

        var e = await Assert.ThrowsAsync<RecordFileException>(() => UnitCsvReader.ReadAsync(FilePath, CancellationToken.None));

        Assert.StartsWith($"{FilePath}: line 3: a quote inside an unquoted cell", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_RowWithTooFewCells_CountsThem()
    {
        string row = Row(1);
        string shortRow = row[..row.LastIndexOf(',')] + "\n";
        await File.WriteAllTextAsync(FilePath, Header + shortRow);

        var e = await Assert.ThrowsAsync<RecordFileException>(() => UnitCsvReader.ReadAsync(FilePath, CancellationToken.None));

        int columns = UnitCsvRowMap.ColumnNames.Count;
        Assert.Equal($"{FilePath}: line 2: the row has {columns - 1} cells, the header {columns}", e.Message);
    }

    /// <summary>A passing unit's row: no cell of it is quoted, so its cells split on commas.</summary>
    private static string Row(int unit) => UnitCsvFormat.FormatRow(UnitCsvRow.From(Records.Pass(unit: unit)));

    private static string WithCell(string row, string column, string cell)
    {
        string[] cells = row.TrimEnd('\n').Split(',');
        Assert.Equal(UnitCsvRowMap.ColumnNames.Count, cells.Length);
        cells[UnitCsvRowMap.ColumnNames.ToList().IndexOf(column)] = cell;
        return string.Join(',', cells) + "\n";
    }

    [GeneratedRegex(@": line (\d+)\b")]
    private static partial Regex LineNumber();
}
