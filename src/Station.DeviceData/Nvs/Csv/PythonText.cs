using System.Globalization;
using System.Text;

namespace Station.DeviceData.Nvs.Csv;

/// <summary>The bits of Python's string behaviour the generator's messages and parsing depend on.</summary>
internal static class PythonText
{
    /// <summary>Python's <c>str.strip()</c>: every character <c>str.isspace()</c> accepts, from both ends.</summary>
    public static string Strip(string text) => text.Trim(UnicodeWhitespace);

    /// <summary>Python's <c>bytes.strip()</c>: ASCII whitespace only.</summary>
    public static ReadOnlySpan<byte> Strip(ReadOnlySpan<byte> bytes) => bytes.Trim(" \t\n\r\v\f"u8);

    /// <summary>Python's <c>repr()</c> of a string, as it appears in ValueError messages: <c>'0x10'</c>.</summary>
    public static string Repr(string text)
    {
        char quote = text.Contains('\'', StringComparison.Ordinal) && !text.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var builder = new StringBuilder().Append(quote);
        foreach (Rune rune in text.EnumerateRunes())
        {
            int c = rune.Value;
            builder.Append(c switch
            {
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when c == quote => $"\\{quote}",
                _ when IsPrintable(rune) => rune.ToString(),
                < 0x100 => string.Create(CultureInfo.InvariantCulture, $"\\x{c:x2}"),
                < 0x10000 => string.Create(CultureInfo.InvariantCulture, $"\\u{c:x4}"),
                _ => string.Create(CultureInfo.InvariantCulture, $"\\U{c:x8}"),
            });
        }

        return builder.Append(quote).ToString();
    }

    /// <summary>Python's <c>str.isprintable()</c>: no control, format, surrogate, private, unassigned or separator character but the space.</summary>
    private static bool IsPrintable(Rune rune) => rune.Value == ' ' || Rune.GetUnicodeCategory(rune) is not (
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
        or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
        or UnicodeCategory.SpaceSeparator);

    /// <summary>Python's <c>repr()</c> of bytes: <c>b'...'</c> with bytes outside printable ASCII as \xNN.</summary>
    public static string Repr(ReadOnlySpan<byte> bytes)
    {
        char quote = bytes.Contains((byte)'\'') && !bytes.Contains((byte)'"') ? '"' : '\'';
        var builder = new StringBuilder("b").Append(quote);
        foreach (byte b in bytes)
        {
            builder.Append(b switch
            {
                (byte)'\\' => "\\\\",
                (byte)'\n' => "\\n",
                (byte)'\r' => "\\r",
                (byte)'\t' => "\\t",
                _ when b == quote => $"\\{quote}",
                >= 0x20 and < 0x7F => ((char)b).ToString(),
                _ => string.Create(CultureInfo.InvariantCulture, $"\\x{b:x2}"),
            });
        }

        return builder.Append(quote).ToString();
    }

    public static bool IsAscii(string text) => Ascii.IsValid(text);

    /// <summary>Python's <c>str.isspace()</c> for one character.</summary>
    public static bool IsSpace(Rune rune) => rune.IsBmp && Array.IndexOf(UnicodeWhitespace, (char)rune.Value) >= 0;

    /// <summary>Characters Python's <c>str.isspace()</c> accepts.</summary>
    private static readonly char[] UnicodeWhitespace =
    [
        '\t', '\n', '\v', '\f', '\r', '\x1c', '\x1d', '\x1e', '\x1f', ' ', '\x85', '\xa0', '\u1680',
        '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200a',
        '\u2028', '\u2029', '\u202f', '\u205f', '\u3000',
    ];
}
