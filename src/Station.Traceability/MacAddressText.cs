namespace Station.Traceability;

/// <summary>
/// MACs as records spell them (<c>24:0A:C4:12:34:56</c>) and as file names do (<c>24-0A-C4-12-34-56</c>).
/// Accepts colons, dashes or bare hex in any case; 6 or 8 bytes (EUI-48 or EUI-64).
/// </summary>
public static class MacAddressText
{
    public static bool TryNormalize(string? text, out string mac)
    {
        mac = "";
        string trimmed = text?.Trim() ?? "";
        string hex = trimmed.Length is 17 or 23 && IsSeparated(trimmed) ? string.Concat(trimmed.Chunk(3).Select(group => new string(group, 0, 2))) : trimmed;
        if (hex.Length is not (12 or 16) || !hex.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        mac = string.Join(':', hex.ToUpperInvariant().Chunk(2).Select(pair => new string(pair)));
        return true;
    }

    /// <summary>The normalised MAC, or an <see cref="ArgumentException"/> saying what is wrong.</summary>
    public static string Normalize(string text) =>
        TryNormalize(text, out string mac) ? mac : throw new ArgumentException($"'{text}' is not a MAC address like 24:0A:C4:12:34:56.", nameof(text));

    /// <summary>The file stem for a MAC: dashes instead of colons, which some file systems and tools reject.</summary>
    public static string FileStem(string mac) => Normalize(mac).Replace(':', '-');

    // "AA:BB:…" or "AA-BB-…": one separator kind, after every second character.
    private static bool IsSeparated(string text)
    {
        char separator = text[2];
        if (separator is not (':' or '-'))
        {
            return false;
        }

        for (int i = 2; i < text.Length; i += 3)
        {
            if (text[i] != separator)
            {
                return false;
            }
        }

        return true;
    }
}
