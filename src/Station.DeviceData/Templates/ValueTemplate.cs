using System.Globalization;
using System.Text;

namespace Station.DeviceData.Templates;

/// <summary>What a template can draw on for one unit.</summary>
/// <param name="Mac">Upper-case colon form, e.g. 24:0A:C4:12:34:56.</param>
/// <param name="Row">The unit's row of a mass-manufacturing values CSV, by column name (null when none).</param>
public sealed record TemplateValues(string? Serial, string Mac, string Batch, string Station, DateTimeOffset Now, IReadOnlyDictionary<string, string>? Row = null);

/// <summary>A template that cannot be parsed or rendered; the message says where and why.</summary>
public sealed class TemplateException(string message) : Exception(message);

/// <summary>
/// A per-device value written with placeholders: <c>{serial}</c>, <c>{mac}</c>, <c>{mac_nocolon}</c>,
/// <c>{batch}</c>, <c>{station}</c>, <c>{date:yyyyMMdd}</c> (any .NET date format, UTC), <c>{row.COLUMN}</c>
/// (the unit's mass-manufacturing row); everything else is literal, <c>{{</c> and <c>}}</c> are braces.
/// </summary>
public sealed class ValueTemplate
{
    private readonly IReadOnlyList<Part> _parts;

    private ValueTemplate(string text, IReadOnlyList<Part> parts)
    {
        Text = text;
        _parts = parts;
    }

    public string Text { get; }

    /// <summary>The placeholders used, e.g. "serial", "date:yyyyMMdd", "row.psk".</summary>
    public IReadOnlyList<string> Placeholders => _parts.Where(p => p.IsPlaceholder).Select(p => p.Text).ToList();

    public bool UsesSerial => _parts.Any(p => p.IsPlaceholder && p.Text == "serial");

    /// <summary>Column names used through <c>{row.COLUMN}</c>.</summary>
    public IReadOnlyList<string> RowColumns => _parts.Where(p => p.IsPlaceholder && p.Text.StartsWith("row.", StringComparison.Ordinal)).Select(p => p.Text[4..]).ToList();

    public static ValueTemplate Parse(string text)
    {
        var parts = new List<Part>();
        var literal = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '}')
            {
                if (i + 1 < text.Length && text[i + 1] == '}')
                {
                    literal.Append('}');
                    i++;
                    continue;
                }

                throw new TemplateException($"'}}' at position {i + 1} has no opening '{{' (write '}}}}' for a literal brace)");
            }

            if (c != '{')
            {
                literal.Append(c);
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == '{')
            {
                literal.Append('{');
                i++;
                continue;
            }

            int end = text.IndexOf('}', i + 1);
            if (end < 0)
            {
                throw new TemplateException($"'{{' at position {i + 1} is not closed (write '{{{{' for a literal brace)");
            }

            string name = text[(i + 1)..end];
            Check(name, i + 1);
            if (literal.Length > 0)
            {
                parts.Add(new Part(literal.ToString(), IsPlaceholder: false));
                literal.Clear();
            }

            parts.Add(new Part(name, IsPlaceholder: true));
            i = end;
        }

        if (literal.Length > 0)
        {
            parts.Add(new Part(literal.ToString(), IsPlaceholder: false));
        }

        return new ValueTemplate(text, parts);
    }

    public string Render(TemplateValues values)
    {
        var text = new StringBuilder();
        foreach (var part in _parts)
        {
            text.Append(part.IsPlaceholder ? Resolve(part.Text, values) : part.Text);
        }

        return text.ToString();
    }

    public override string ToString() => Text;

    private static string Resolve(string name, TemplateValues values) => name switch
    {
        "serial" => values.Serial ?? throw new TemplateException("{serial} is used but no serial number was allocated (add deviceData.serial to the profile)"),
        "mac" => values.Mac,
        "mac_nocolon" => values.Mac.Replace(":", "", StringComparison.Ordinal),
        "batch" => values.Batch,
        "station" => values.Station,
        _ when name.StartsWith("date:", StringComparison.Ordinal) => values.Now.UtcDateTime.ToString(name[5..], CultureInfo.InvariantCulture),
        _ when name.StartsWith("row.", StringComparison.Ordinal) => values.Row is null
            ? throw new TemplateException($"{{{name}}} is used but the unit has no mass-manufacturing row")
            : values.Row.TryGetValue(name[4..], out string? value)
                ? value
                : throw new TemplateException($"{{{name}}}: the values CSV has no column '{name[4..]}'"),
        _ => throw new TemplateException($"unknown placeholder {{{name}}}"),
    };

    private static void Check(string name, int position)
    {
        bool known = name is "serial" or "mac" or "mac_nocolon" or "batch" or "station"
            || (name.StartsWith("row.", StringComparison.Ordinal) && name.Length > 4)
            || (name.StartsWith("date:", StringComparison.Ordinal) && name.Length > 5);
        if (!known)
        {
            throw new TemplateException(
                $"unknown placeholder {{{name}}} at position {position} (use {{serial}}, {{mac}}, {{mac_nocolon}}, {{batch}}, {{station}}, {{date:yyyyMMdd}} or {{row.COLUMN}})");
        }

        if (name.StartsWith("date:", StringComparison.Ordinal))
        {
            try
            {
                _ = DateTime.UnixEpoch.ToString(name[5..], CultureInfo.InvariantCulture);
            }
            catch (FormatException e)
            {
                throw new TemplateException($"{{{name}}} at position {position}: not a date format ({e.Message})");
            }
        }
    }

    private readonly record struct Part(string Text, bool IsPlaceholder);
}
