using Station.DeviceData.Nvs;
using Station.DeviceData.Nvs.Csv;

namespace Station.DeviceData.MassManufacturing;

/// <summary>
/// Joins a config and a values CSV into one entry list per device, the way ESP-IDF's mfg_gen does
/// (tools/mass_mfg/mfg_gen.py, nvs-format.md §14): each config key takes its device's value from the column of
/// that name; REPEAT keys take the first device's value; namespace rows are copied.
/// </summary>
public static class MfgBatch
{
    /// <param name="fileIdColumn">The column whose value names each device's files; null numbers them 1, 2, 3, …</param>
    /// <exception cref="NvsException">The two files do not fit together (mfg_gen's messages).</exception>
    public static IReadOnlyList<MfgDevice> Devices(MfgConfig config, MfgValues values, string? fileIdColumn = null)
    {
        if (fileIdColumn is not null && !values.Columns.Contains(fileIdColumn))
        {
            throw new NvsException(new NvsError(NvsErrorCodes.MfgValues, $"Error: target_file_identifier: {fileIdColumn} does not exist in values file."));
        }

        CheckKeysInOrder(config, values);

        var repeated = config.Rows.Where(r => r.Repeat).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var first = values.Rows.Count > 0 ? values.Rows[0].Fields : [];
        var devices = new List<MfgDevice>();
        for (int d = 0; d < values.Rows.Count; d++)
        {
            var row = values.Rows[d];
            var fields = row.Fields.Select((value, i) => repeated.Contains(values.Columns[i]) ? first[i] : value).ToList();
            var byColumn = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < fields.Count; i++)
            {
                byColumn.TryAdd(values.Columns[i], fields[i]);
            }

            string fileId = fileIdColumn is null ? (d + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : byColumn[fileIdColumn];
            devices.Add(new MfgDevice(fileId, row.Line, byColumn, Rows(config, values.Columns, fields)));
        }

        return devices;
    }

    /// <summary>Each config key takes the next column of its name, walking the values left to right.</summary>
    private static List<NvsCsvRow> Rows(MfgConfig config, IReadOnlyList<string> columns, List<string> fields)
    {
        var rows = new List<NvsCsvRow>();
        int column = 0;
        foreach (var entry in config.Rows)
        {
            if (entry.IsNamespace)
            {
                rows.Add(new NvsCsvRow(entry.Line, entry.Key, "namespace", "", ""));
                continue;
            }

            while (columns[column] != entry.Key)
            {
                column++;
            }

            rows.Add(new NvsCsvRow(entry.Line, entry.Key, entry.Type, entry.Encoding, fields[column]));
            column++;
        }

        return rows;
    }

    /// <summary>mfg_gen's test: the config's keys must appear among the values columns, in the same order.</summary>
    private static void CheckKeysInOrder(MfgConfig config, MfgValues values)
    {
        var configKeys = config.Keys.ToHashSet(StringComparer.Ordinal);
        var pending = new Queue<string>(values.Columns.Where(configKeys.Contains));
        var errors = new List<NvsError>();
        foreach (var row in config.Rows.Where(r => !r.IsNamespace))
        {
            if (pending.Count > 0 && pending.Peek() == row.Key)
            {
                pending.Dequeue();
            }
            else
            {
                errors.Add(new NvsError(NvsErrorCodes.MfgKeyMissing, $"Key:` {row.Key} ` at line no: {row.Line}  in config file is not found in values file.", row.Line));
            }
        }

        if (errors.Count > 0)
        {
            throw new NvsException(errors);
        }
    }
}
