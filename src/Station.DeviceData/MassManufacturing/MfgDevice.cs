using System.Text;
using Station.DeviceData.Nvs;
using Station.DeviceData.Nvs.Csv;

namespace Station.DeviceData.MassManufacturing;

/// <summary>
/// One device of a batch: its file id (<c>&lt;prefix&gt;-&lt;fileid&gt;.bin</c>), its values by column, and the
/// generator rows mfg_gen writes to its intermediate CSV (rows carry the config's line numbers).
/// </summary>
public sealed record MfgDevice(string FileId, int ValuesLine, IReadOnlyDictionary<string, string> Values, IReadOnlyList<NvsCsvRow> Rows)
{
    /// <summary>The entries of this device, as the generator reads the intermediate CSV.</summary>
    /// <exception cref="NvsException">A value is wrong; each message names the device, the values line and the config line.</exception>
    public NvsCsvDocument ToDocument(NvsCsvOptions options)
    {
        try
        {
            return NvsCsvReader.Read(Rows, options);
        }
        catch (NvsException e)
        {
            throw new NvsException(e.Errors.Select(Locate).ToList());
        }
    }

    /// <summary>Places an error in the values CSV (this device's row) and the config CSV (the key's row).</summary>
    public NvsError Locate(NvsError error) => error with
    {
        Message = $"device {FileId} (values line {ValuesLine}){(error.Line is int line ? $", config line {line}" : "")}: {error.Message}",
        Line = null,
    };

    /// <summary>The intermediate CSV as mfg_gen writes it (<c>csv/&lt;prefix&gt;-&lt;fileid&gt;.csv</c>): CRLF, minimal quoting.</summary>
    public string ToCsv()
    {
        var text = new StringBuilder("key,type,encoding,value\r\n");
        foreach (var row in Rows)
        {
            text.AppendJoin(',', new[] { row.Key, row.Type, row.Encoding, row.Value }.Select(Quote)).Append("\r\n");
        }

        return text.ToString();
    }

    // Python's csv.writer (QUOTE_MINIMAL) quotes a field holding the delimiter, a quote or a line break.
    private static string Quote(string? field) => field is null ? "" : field.AsSpan().IndexOfAny(",\"\r\n") >= 0
        ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : field;
}
