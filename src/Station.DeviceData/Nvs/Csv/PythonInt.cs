using System.Globalization;
using System.Numerics;

namespace Station.DeviceData.Nvs.Csv;

/// <summary>
/// Python's <c>int(value)</c> in base 10, which is how the generator reads integers (nvs-format.md §10):
/// surrounding whitespace, an optional sign, digits with single underscores between them. No hex.
/// </summary>
internal static class PythonInt
{
    public static bool TryParse(string text, out BigInteger value)
    {
        value = BigInteger.Zero;
        string s = PythonText.Strip(text);
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

        var digits = new System.Text.StringBuilder();
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
