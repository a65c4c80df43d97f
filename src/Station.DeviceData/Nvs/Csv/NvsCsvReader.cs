using System.Text;

namespace Station.DeviceData.Nvs.Csv;

/// <summary>
/// Reads ESP-IDF's partition-generator CSV (nvs-format.md §10): a header naming the columns key, type, encoding
/// and value; lines starting with <c>#</c> skipped; rows read like Python's DictReader. Then turns the rows
/// into items with the generator's decoding rules and error messages.
/// </summary>
public static class NvsCsvReader
{
    public static readonly IReadOnlyList<string> Columns = ["key", "type", "encoding", "value"];

    /// <summary>Reads CSV bytes, which must be UTF-8 (the generator opens the file as UTF-8).</summary>
    /// <exception cref="NvsException">Every error found, each with its line.</exception>
    public static NvsCsvDocument Read(ReadOnlySpan<byte> utf8, NvsCsvOptions options) => Read(DecodeUtf8(utf8), options);

    /// <exception cref="NvsException">Every error found, each with its line.</exception>
    public static NvsCsvDocument Read(string text, NvsCsvOptions options) => Read(ReadRows(text), options);

    /// <summary>Turns rows (e.g. a mass-manufacturing device's) into items.</summary>
    /// <exception cref="NvsException">Every error found, each with its row's line.</exception>
    public static NvsCsvDocument Read(IReadOnlyList<NvsCsvRow> rows, NvsCsvOptions options) => NvsCsvRowInterpreter.ToItems(rows, options);

    /// <summary>The rows, before any value is decoded.</summary>
    /// <exception cref="NvsException">The header is missing or a field is too large.</exception>
    public static IReadOnlyList<NvsCsvRow> ReadRows(string text)
    {
        // Python filters physical lines on their first character before the CSV reader sees them.
        var lines = PythonCsv.Lines(text).Where(l => l.Text[0] != '#');
        var records = PythonCsv.Parse(lines);
        if (records.Count == 0)
        {
            return [];
        }

        // DictReader skips blank rows and looks a column up only for a row it returns, so with no such row
        // any header (a BOM or missing columns included) still gives an empty image.
        var header = records[0];
        var rows = records.Skip(1).Where(r => r.Fields.Count > 0).ToList();
        if (rows.Count == 0)
        {
            return [];
        }

        var missing = Columns.Where(c => !header.Fields.Contains(c)).ToList();
        if (missing.Count > 0 && header.Fields.Count > 0 && header.Fields[0].StartsWith('\uFEFF'))
        {
            throw new NvsException(new NvsError(
                NvsErrorCodes.CsvByteOrderMark,
                $"The CSV starts with a UTF-8 byte order mark, which breaks the header for ESP-IDF's generator (KeyError: '{missing[0]}'); save it as UTF-8 without BOM.",
                header.Line));
        }

        if (missing.Count > 0)
        {
            throw new NvsException(new NvsError(
                NvsErrorCodes.CsvHeader,
                $"The header '{string.Join(",", header.Fields)}' lacks the column{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)}; the first line must be 'key,type,encoding,value' (KeyError: '{missing[0]}').",
                header.Line));
        }

        // DictReader: a later column of the same name wins; short rows leave the rest null.
        int Column(string name) => header.Fields.ToList().LastIndexOf(name);
        int key = Column("key"), type = Column("type"), encoding = Column("encoding"), value = Column("value");
        string? Field(CsvRecord record, int index) => index < record.Fields.Count ? record.Fields[index] : null;

        return rows
            .Select(r => new NvsCsvRow(r.Line, Field(r, key), Field(r, type), Field(r, encoding), Field(r, value)))
            .ToList();
    }

    private static string DecodeUtf8(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(utf8);
        }
        catch (DecoderFallbackException e)
        {
            int line = 1 + utf8[..Math.Max(0, e.Index)].Count((byte)'\n');
            throw new NvsException(new NvsError(NvsErrorCodes.CsvNotUtf8, $"The CSV is not UTF-8: byte 0x{e.BytesUnknown?.FirstOrDefault():X2} at offset {e.Index} cannot be decoded ('utf-8' codec can't decode).", line));
        }
    }
}
