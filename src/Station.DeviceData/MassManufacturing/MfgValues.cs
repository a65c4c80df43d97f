using Station.DeviceData.Nvs;

namespace Station.DeviceData.MassManufacturing;

/// <summary>One device's row of the values CSV: the line it stands on and one field per column.</summary>
public sealed record MfgValuesRow(int Line, IReadOnlyList<string> Fields);

/// <summary>
/// The master values CSV of mfg_gen (nvs-format.md §14): a header row of key names (extra columns such as
/// <c>id</c> allowed), then one row per device with exactly one field per column.
/// </summary>
public sealed class MfgValues
{
    private MfgValues(IReadOnlyList<string> columns, IReadOnlyList<MfgValuesRow> rows)
    {
        Columns = columns;
        Rows = rows;
    }

    public IReadOnlyList<string> Columns { get; }

    public IReadOnlyList<MfgValuesRow> Rows { get; }

    /// <exception cref="NvsException">Every problem, with mfg_gen's message where it has one.</exception>
    public static MfgValues Parse(string text, string fileName = "values.csv")
    {
        var records = MfgCsvLines.Records(text);
        if (records.Count == 0)
        {
            throw new NvsException(new NvsError(NvsErrorCodes.MfgValues, $"Error: values file: {fileName} is empty."));
        }

        var columns = records[0].Fields;
        var errors = records
            .Skip(1)
            .Where(r => r.Fields.Count != columns.Count)
            .Select(r => new NvsError(
                NvsErrorCodes.MfgValues,
                $"Error: Number of values is not equal to number of keys in file: {fileName} at line No:{r.Line} ({r.Fields.Count} values, {columns.Count} keys)",
                r.Line))
            .ToList();

        return errors.Count > 0
            ? throw new NvsException(errors)
            : new MfgValues(columns, records.Skip(1).Select(r => new MfgValuesRow(r.Line, r.Fields)).ToList());
    }
}
