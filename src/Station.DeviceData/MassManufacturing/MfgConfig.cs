using Station.DeviceData.Nvs;

namespace Station.DeviceData.MassManufacturing;

/// <summary>A config row: a namespace (<c>name,namespace,</c>) or a key with its type and encoding, maybe REPEAT.</summary>
/// <param name="Repeat">The first device's value is used for every device.</param>
public sealed record MfgConfigRow(int Line, string Key, string Type, string Encoding, bool Repeat)
{
    public bool IsNamespace => Type == "namespace";
}

/// <summary>
/// The mass-manufacturing config CSV of ESP-IDF's mfg_gen (nvs-format.md §14): no header; rows
/// <c>key,type,encoding</c> with an optional 4th column <c>REPEAT</c>, and namespace rows <c>name,namespace,</c>.
/// </summary>
public sealed class MfgConfig
{
    /// <summary>
    /// mfg_gen's own encoding list. It leaves out i16 (nvs-format.md §14), so a config with i16 is refused here too,
    /// and the generator's blob_fill encodings are not offered.
    /// </summary>
    public static readonly IReadOnlyList<string> Encodings = ["string", "binary", "hex2bin", "u8", "i8", "u16", "u32", "i32", "u64", "i64", "base64"];

    public static readonly IReadOnlyList<string> Types = ["file", "data", "namespace"];

    private MfgConfig(IReadOnlyList<MfgConfigRow> rows) => Rows = rows;

    public IReadOnlyList<MfgConfigRow> Rows { get; }

    /// <summary>The keys that take a value from the values CSV, in config order.</summary>
    public IReadOnlyList<string> Keys => Rows.Where(r => !r.IsNamespace).Select(r => r.Key).ToList();

    /// <param name="fileName">Named in messages, as mfg_gen does.</param>
    /// <exception cref="NvsException">Every problem, with mfg_gen's message where it has one.</exception>
    public static MfgConfig Parse(string text, string fileName = "config.csv")
    {
        var records = MfgCsvLines.Records(text);
        if (records.Count == 0)
        {
            throw new NvsException(new NvsError(NvsErrorCodes.MfgConfig, $"Error: config file: {fileName} is empty."));
        }

        var errors = new List<NvsError>();
        var rows = new List<MfgConfigRow>();
        bool namespaceSeen = false;
        foreach (var record in records)
        {
            var fields = record.Fields;
            void Fail(string message) => errors.Add(new NvsError(NvsErrorCodes.MfgConfig, message, record.Line));

            bool repeat = fields.Count == 4 && fields[3] == "REPEAT";
            if (fields.Count != 3 && !repeat)
            {
                Fail($"Error: data missing in config file at line no:{record.Line} <format needed:key,type,encoding>");
                continue;
            }

            if (!Types.Contains(fields[1]))
            {
                Fail($"Error: config file: {fileName} has invalid datatype at line no:{record.Line}");
                continue;
            }

            bool isNamespace = fields[1] == "namespace";
            if (!isNamespace && !Encodings.Contains(fields[2]))
            {
                Fail($"Error: config file: {fileName} has invalid encoding at line no:{record.Line}" + (fields[2] == "i16" ? " (mfg_gen does not accept i16; use i32)" : ""));
                continue;
            }

            if (fields[0].StartsWith('#'))
            {
                Fail($"`{fields[0]}` starts with #: the generator would read mfg_gen's row for it as a comment and drop it.");
                continue;
            }

            if (!isNamespace && fields[0] is "namespace" or "REPEAT")
            {
                Fail($"A key named `{fields[0]}` is read by mfg_gen as a marker, not a key.");
                continue;
            }

            if (!isNamespace && !namespaceSeen)
            {
                Fail($"`{fields[0]}` comes before any namespace row; the first row of the config is a namespace (name,namespace,).");
                continue;
            }

            namespaceSeen |= isNamespace;
            rows.Add(new MfgConfigRow(record.Line, fields[0], fields[1], isNamespace ? "" : fields[2], repeat));
        }

        return errors.Count > 0 ? throw new NvsException(errors) : new MfgConfig(rows);
    }
}
