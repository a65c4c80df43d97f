using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace Station.Traceability.Csv;

/// <summary>How <c>units.csv</c> is spelled on disk: UTF-8 without BOM, comma-separated, <c>\n</c> line ends, one row per line.</summary>
public static class UnitCsvFormat
{
    public const string FileName = "units.csv";

    public static readonly Encoding Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    public static CsvConfiguration Configuration { get; } = new(CultureInfo.InvariantCulture) { NewLine = "\n" };

    private static readonly SharedRowFormatter RowFormatter = new();

    /// <summary>The header row, newline included, exactly as the writer puts it at the top of the file.</summary>
    public static string HeaderLine { get; } = Write(csv =>
    {
        csv.WriteHeader<UnitCsvRow>();
        csv.NextRecord();
    });

    /// <summary>One complete row, newline included.</summary>
    public static string FormatRow(UnitCsvRow row) => RowFormatter.Format(row);

    private static string Write(Action<CsvWriter> write)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, Configuration))
        {
            csv.Context.RegisterClassMap<UnitCsvRowMap>();
            write(csv);
        }

        return text.ToString();
    }

    /// <summary>CsvHelper compiles its row writer per context (tens of milliseconds), so one context serves every row.</summary>
    private sealed class SharedRowFormatter
    {
        private readonly Lock gate = new();
        private readonly StringWriter text = new(CultureInfo.InvariantCulture);
        private readonly CsvWriter csv;

        public SharedRowFormatter()
        {
            csv = new CsvWriter(text, Configuration);
            csv.Context.RegisterClassMap<UnitCsvRowMap>();
        }

        public string Format(UnitCsvRow row)
        {
            lock (gate)
            {
                csv.WriteRecord(row);
                csv.NextRecord();
                csv.Flush();
                string line = text.ToString();
                text.GetStringBuilder().Clear();
                return line;
            }
        }
    }
}
