using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Station.Traceability.Ledger;

/// <summary>
/// A serial-number format such as <c>SN-{yyyy}{seq:000000}</c>: literal text and placeholders.
/// <list type="table">
/// <item><term><c>{seq}</c>, <c>{seq:000000}</c></term><description>the product's sequence number, 1, 2, 3 …; zeros give the least width (a number that outgrows it keeps all its digits)</description></item>
/// <item><term><c>{yyyy}</c>, <c>{yy}</c>, <c>{MM}</c>, <c>{dd}</c></term><description>year, two-digit year, month, day of the allocation</description></item>
/// <item><term><c>{product}</c></term><description>the product name</description></item>
/// <item><term><c>{{</c>, <c>}}</c></term><description>a literal brace</description></item>
/// </list>
/// Every format needs <c>{seq}</c>: the sequence number is what makes a serial unique, so a format
/// without a date is as safe as one with. The date is the allocation's, taken once when the serial is
/// allocated, in the offset of the time the caller passes (UTC from <c>GetUtcNow()</c>, the factory's
/// day from <c>GetLocalNow()</c>); a unit flashed again keeps its serial, date and all.
/// </summary>
public sealed class SerialFormat
{
    private const string Known = "{seq}, {seq:000000}, {yyyy}, {yy}, {MM}, {dd} or {product}";
    private const int MaxSeqWidth = 18;

    private readonly IReadOnlyList<Part> parts;

    private SerialFormat(string text, IReadOnlyList<Part> parts)
    {
        Text = text;
        this.parts = parts;
    }

    private enum PartKind
    {
        Literal,
        Seq,
        Year,
        ShortYear,
        Month,
        Day,
        Product,
    }

    /// <summary>The format as written.</summary>
    public string Text { get; }

    /// <summary>The parsed format, or a <see cref="FormatException"/> whose message names the fault and its position.</summary>
    public static SerialFormat Parse(string text) =>
        TryParse(text, out var format, out string? error) ? format : throw new FormatException(error);

    public static bool TryParse(string? text, [NotNullWhen(true)] out SerialFormat? format, [NotNullWhen(false)] out string? error)
    {
        format = null;
        if (string.IsNullOrEmpty(text))
        {
            error = $"A serial format is empty: write one like SN-{{yyyy}}{{seq:000000}} using {Known}.";
            return false;
        }

        var parts = new List<Part>();
        var literal = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsControl(c))
            {
                error = $"Serial format '{Printable(text)}' has a control character at position {i + 1}.";
                return false;
            }

            if ((c is '{' or '}') && i + 1 < text.Length && text[i + 1] == c)
            {
                literal.Append(c);
                i++;
                continue;
            }

            if (c == '}')
            {
                error = $"Serial format '{text}' has a '}}' at position {i + 1} that closes nothing (write '}}}}' for a literal brace).";
                return false;
            }

            if (c != '{')
            {
                literal.Append(c);
                continue;
            }

            int close = text.IndexOf('}', i + 1);
            if (close < 0)
            {
                error = $"Serial format '{text}' has a '{{' at position {i + 1} that is never closed (write '{{{{' for a literal brace).";
                return false;
            }

            string name = text[(i + 1)..close];
            if (!TryPlaceholder(name, out var part, out string? problem))
            {
                error = $"Serial format '{text}' has {problem} at position {i + 1}: use {Known}.";
                return false;
            }

            if (literal.Length > 0)
            {
                parts.Add(new Part(PartKind.Literal, literal.ToString()));
                literal.Clear();
            }

            parts.Add(part);
            i = close;
        }

        if (literal.Length > 0)
        {
            parts.Add(new Part(PartKind.Literal, literal.ToString()));
        }

        if (!parts.Any(p => p.Kind == PartKind.Seq))
        {
            error = $"Serial format '{text}' has no {{seq}}: the product's sequence number is what keeps serials unique (e.g. {text}{{seq:000000}}).";
            return false;
        }

        format = new SerialFormat(text, parts);
        error = null;
        return true;
    }

    /// <summary>The serial for sequence number <paramref name="seq"/> of <paramref name="product"/> allocated at <paramref name="at"/>.</summary>
    public string Render(long seq, string product, DateTimeOffset at)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seq, 1);
        ArgumentNullException.ThrowIfNull(product);
        var serial = new StringBuilder();
        foreach (var part in parts)
        {
            serial.Append(part.Kind switch
            {
                PartKind.Literal => part.Text,
                PartKind.Seq => seq.ToString(part.Text, CultureInfo.InvariantCulture),
                PartKind.Year => at.Year.ToString("0000", CultureInfo.InvariantCulture),
                PartKind.ShortYear => (at.Year % 100).ToString("00", CultureInfo.InvariantCulture),
                PartKind.Month => at.Month.ToString("00", CultureInfo.InvariantCulture),
                PartKind.Day => at.Day.ToString("00", CultureInfo.InvariantCulture),
                PartKind.Product => product,
                _ => throw new InvalidOperationException($"Unhandled part {part.Kind}."),
            });
        }

        return serial.ToString();
    }

    public override string ToString() => Text;

    private static bool TryPlaceholder(string name, out Part part, [NotNullWhen(false)] out string? problem)
    {
        problem = null;
        part = name switch
        {
            "seq" => new Part(PartKind.Seq, "0"),
            "yyyy" => new Part(PartKind.Year, ""),
            "yy" => new Part(PartKind.ShortYear, ""),
            "MM" => new Part(PartKind.Month, ""),
            "dd" => new Part(PartKind.Day, ""),
            "product" => new Part(PartKind.Product, ""),
            _ => default,
        };
        if (part.Text is not null)
        {
            return true;
        }

        if (name.StartsWith("seq:", StringComparison.Ordinal))
        {
            string zeros = name[4..];
            if (zeros.Length is >= 1 and <= MaxSeqWidth && zeros.All(z => z == '0'))
            {
                part = new Part(PartKind.Seq, zeros);
                return true;
            }

            problem = $"{{{name}}}, whose width is not 1 to {MaxSeqWidth} zeros like {{seq:000000}}";
            return false;
        }

        problem = name switch
        {
            "mm" => "{mm} (minutes are not a serial part; months are {MM})",
            "YYYY" or "YY" or "DD" => $"{{{name}}} (placeholders are case-sensitive: {{{name.ToLowerInvariant()}}})",
            _ => $"an unknown placeholder {{{name}}}",
        };
        return false;
    }

    private static string Printable(string text) => new([.. text.Select(c => char.IsControl(c) ? '?' : c)]);

    // Text is the literal for Literal parts and the number format for Seq; null marks "no such placeholder".
    private readonly record struct Part(PartKind Kind, string Text);
}
