using System.Text;

namespace Station.DeviceData.Tests.Fuzz;

/// <summary>A damaged CSV and what was done to it.</summary>
internal sealed record CsvText(string Description, string Text);

/// <summary>
/// Damages a CSV the ways hand-edited and spreadsheet-saved files go wrong: stray quotes, line breaks and NULs,
/// byte order marks, missing and extra commas, cells with values of the wrong shape, very long lines, random
/// characters, truncation. Text only: the readers take decoded text (bytes are tested through the UTF-8 entry point).
/// </summary>
internal static class CsvTextMutator
{
    /// <summary>Cell values aimed at the NVS decoders and the mass-manufacturing checks.</summary>
    private static readonly string[] Cells =
    [
        "", " ", "namespace", "file", "data", "DATA", "REPEAT", "#x", "u8", "i16", "U8", "string", "hex2bin", "base64", "binary",
        "blob_fill(4;0x00)", "blob_fill(0;0x00)", "blob_fill(99999999999;0xZZ)", "blob_sz_fill(", "0x", "-", "0x-1", "99999999999999999999999",
        "-99999999999999999999999", "1e5", "0b101", "0o17", "1_000", "+1", "0xFFFFFFFFFFFFFFFF", "-0x8000000000000000", "abc", "ab c", "=", "====",
        "Zm9v", "Zm9", "\\x00", "\u00e9", "\uFFFF", "\"", "a,b", "a\nb", "\0", "abcdefghijklmnop", "nope/file.bin", "data.bin", "/", new string('7', 5000),
    ];

    public static CsvText Mutate(Random random, string valid)
    {
        int edits = random.Next(3) == 0 ? random.Next(2, 5) : 1;
        var text = new StringBuilder(valid);
        var what = new List<string>();
        for (int e = 0; e < edits; e++)
        {
            what.Add(Edit(random, text));
        }

        return new CsvText(string.Join("; ", what), text.ToString());
    }

    private static string Edit(Random random, StringBuilder text)
    {
        int at = random.Next(text.Length + 1);
        switch (random.Next(12))
        {
            case 0:
                text.Insert(at, '"');
                return $"quote at {at}";
            case 1:
                string lineBreak = new[] { "\n", "\r", "\r\n" }[random.Next(3)];
                text.Insert(at, lineBreak);
                return $"line break {Escape(lineBreak)} at {at}";
            case 2:
                text.Insert(at, '\0');
                return $"NUL at {at}";
            case 3:
                text.Insert(random.Next(2) == 0 ? 0 : at, '\uFEFF');
                return "byte order mark";
            case 4:
                int comma = text.ToString().IndexOf(',', at < text.Length ? at : 0);
                if (comma >= 0)
                {
                    text.Remove(comma, 1);
                    return $"comma at {comma} removed";
                }

                return "no comma to remove";
            case 5:
                text.Insert(at, ',');
                return $"extra comma at {at}";
            case 6:
                text.Insert(at, new string('x', random.Next(1000, 140_000)));
                return $"long run of x at {at}";
            case 7 or 8:
                return ReplaceCell(random, text);
            case 9:
                text.Remove(at, text.Length - at);
                return $"truncated at {at}";
            case 10:
                text.Insert(at, (char)random.Next(1, 0x3000));
                return $"random character at {at}";
            default:
                return DuplicateLine(random, text);
        }
    }

    private static string ReplaceCell(Random random, StringBuilder text)
    {
        string[] lines = text.ToString().Split('\n');
        int line = random.Next(lines.Length);
        string[] cells = lines[line].Split(',');
        int column = random.Next(cells.Length);
        string value = Cells[random.Next(Cells.Length)];
        cells[column] = random.Next(2) == 0 || !value.AsSpan().ContainsAny(",\"\n") ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        lines[line] = string.Join(',', cells);
        text.Clear().Append(string.Join('\n', lines));
        return $"line {line + 1} cell {column + 1} = {Escape(value.Length > 40 ? value[..37] + "..." : value)}";
    }

    private static string DuplicateLine(Random random, StringBuilder text)
    {
        string[] lines = text.ToString().Split('\n');
        int line = random.Next(lines.Length);
        var copy = lines.ToList();
        copy.Insert(line, lines[line]);
        text.Clear().Append(string.Join('\n', copy));
        return $"line {line + 1} doubled";
    }

    public static string Escape(string text) =>
        text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal);
}
