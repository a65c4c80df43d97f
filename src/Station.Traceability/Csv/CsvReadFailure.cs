using CsvHelper;
using CsvHelper.TypeConversion;

namespace Station.Traceability.Csv;

/// <summary>
/// Says where and why CsvHelper could not read a row, in the file's own terms: the line the row starts on
/// (not the record count, which differs once a quoted cell spans lines), the column, and what the cell should hold.
/// </summary>
internal static class CsvReadFailure
{
    public static string Describe(CsvHelperException e)
    {
        var parser = e.Context?.Parser;
        string where = parser is null ? "a row" : $"line {StartLine(parser)}";
        return e switch
        {
            TypeConverterException t => $"{where}, column '{t.MemberMapData?.Names.FirstOrDefault()}': '{Short(Cell(e, t))}' is not {Expected(t.MemberMapData?.Type)}",
            BadDataException b => $"{where}: a quote inside an unquoted cell ({Short(b.Field)}); quote the whole cell and double the quotes in it",
            CsvHelper.MissingFieldException when parser is not null && e.Context?.Reader?.HeaderRecord is { } header =>
                $"{where}: the row has {parser.Count} cells, the header {header.Length}",
            _ => $"{where} cannot be read: {e.Message.Split('\n')[0].Trim()}",
        };
    }

    /// <summary>The cell as the file holds it (some of CsvHelper's converters report no text of their own).</summary>
    private static string? Cell(CsvHelperException e, TypeConverterException t)
    {
        string? column = t.MemberMapData?.Names.FirstOrDefault();
        int index = column is null || e.Context?.Reader?.HeaderRecord is not { } header ? -1 : Array.IndexOf(header, column);
        if (index < 0 || e.Context?.Parser is not { } parser || index >= parser.Count)
        {
            return t.Text;
        }

        // Only this cell: the parser reads cells lazily, and another bad cell in the row would throw here.
        try
        {
            return parser.Record![index];
        }
        catch (CsvHelperException)
        {
            return t.Text;
        }
    }

    /// <summary>The parser stands at the row's last line; a quoted cell with line breaks started the row earlier.</summary>
    private static long StartLine(IParser parser)
    {
        string raw = parser.RawRecord.TrimEnd('\r', '\n');
        int breaks = raw.Replace("\r\n", "\n", StringComparison.Ordinal).Count(c => c is '\n' or '\r');
        return Math.Max(1, parser.RawRow - breaks);
    }

    private static string Expected(Type? type) => (Nullable.GetUnderlyingType(type ?? typeof(object)) ?? type) switch
    {
        var t when t == typeof(int) => "a whole number",
        var t when t == typeof(double) => "a number",
        var t when t == typeof(DateTimeOffset) => "a time like 2025-03-04T08:00:00.000+00:00",
        var t when t == typeof(UnitResult) => "PASS, FAIL or INTERRUPTED",
        var t => $"a valid {t?.Name ?? "value"}",
    };

    // Cells that fail to read often hold line breaks or NULs, which would garble the message where it is shown.
    private static string Short(string? text)
    {
        string shown = string.Concat((text ?? "").Take(40).Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
        return text?.Length > 40 ? shown + "..." : shown;
    }
}
