using System.Globalization;
using System.Numerics;
using System.Text;

namespace Station.DeviceData.Nvs.Csv;

/// <summary>
/// Python's <c>int(value)</c> in base 10, which is how the generator reads integers (nvs-format.md §10):
/// surrounding whitespace, an optional sign, digits with single underscores between them. No hex.
/// </summary>
internal static class PythonInt
{
    /// <summary>The only whitespace int() skips once non-ASCII spaces are mapped: not \x1c..\x1f, which str.strip() takes.</summary>
    private static readonly char[] AsciiSpace = [' ', '\t', '\n', '\v', '\f', '\r'];

    public static bool TryParse(string text, out BigInteger value)
    {
        value = BigInteger.Zero;
        if (ToAscii(text) is not { } ascii)
        {
            return false;
        }

        string s = ascii.Trim(AsciiSpace);
        int i = 0;
        bool negative = false;
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-'))
        {
            negative = s[0] == '-';
            i = 1;
        }

        if (i >= s.Length)
        {
            return false;
        }

        var digits = new StringBuilder();
        bool lastWasDigit = false;
        for (; i < s.Length; i++)
        {
            char c = s[i];
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
                lastWasDigit = true;
            }
            else if (c == '_' && lastWasDigit && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1]))
            {
                lastWasDigit = false;
            }
            else
            {
                return false;
            }
        }

        value = BigInteger.Parse(digits.ToString(), NumberStyles.None, CultureInfo.InvariantCulture);
        if (negative)
        {
            value = -value;
        }

        return true;
    }

    /// <summary>
    /// int() first maps non-ASCII whitespace to a space and non-ASCII decimal digits (<c>１２</c>, <c>٣</c>) to ASCII
    /// ones; any other non-ASCII character makes the literal invalid.
    /// </summary>
    private static string? ToAscii(string text)
    {
        var ascii = new StringBuilder(text.Length);
        foreach (Rune rune in text.EnumerateRunes())
        {
            if (rune.IsAscii)
            {
                ascii.Append((char)rune.Value);
            }
            else if (PythonText.IsSpace(rune))
            {
                ascii.Append(' ');
            }
            else if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.DecimalDigitNumber)
            {
                ascii.Append((char)('0' + (int)Rune.GetNumericValue(rune)));
            }
            else
            {
                return null;
            }
        }

        return ascii.ToString();
    }

    /// <summary>The message of Python's ValueError for a bad literal.</summary>
    public static string InvalidLiteral(string repr) => $"invalid literal for int() with base 10: {repr}";

    /// <summary>
    /// The <c>struct.error</c> text for a value out of range, as current CPython words it for the generator's
    /// little-endian formats (B and b have their own wording).
    /// </summary>
    public static string PackRangeMessage(NvsItemType type)
    {
        var (min, max) = NvsItemTypes.Range(type);
        return type switch
        {
            NvsItemType.U8 => "ubyte format requires 0 <= number <= 255",
            NvsItemType.I8 => "byte format requires -128 <= number <= 127",
            _ => string.Create(CultureInfo.InvariantCulture, $"'{FormatChar(type)}' format requires {min} <= number <= {max}"),
        };
    }

    private static char FormatChar(NvsItemType type) => type switch
    {
        NvsItemType.U16 => 'H',
        NvsItemType.I16 => 'h',
        NvsItemType.U32 => 'I',
        NvsItemType.I32 => 'i',
        NvsItemType.U64 => 'Q',
        _ => 'q',
    };
}
