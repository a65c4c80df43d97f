using Station.DeviceData.Nvs.Csv;

namespace Station.DeviceData.MassManufacturing;

/// <summary>
/// How mfg_gen reads its two CSVs: it first copies each without blank (whitespace-only) lines, then splits them
/// with Python's csv module, with no comment lines. Line numbers here are those of the original file; mfg_gen's
/// own messages count the lines of its blank-stripped copy.
/// </summary>
internal static class MfgCsvLines
{
    public static List<CsvRecord> Records(string text) =>
        PythonCsv.Parse(PythonCsv.Lines(text).Where(l => !string.IsNullOrWhiteSpace(l.Text)));
}
