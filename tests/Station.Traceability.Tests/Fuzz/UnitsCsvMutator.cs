using System.Text;

namespace Station.Traceability.Tests.Fuzz;

/// <summary>A damaged units.csv and what was done to it.</summary>
internal sealed record CsvMutation(string Description, byte[] Bytes);

/// <summary>
/// Damages a units.csv the ways a file edited in a spreadsheet, copied off a dying disk or written by another
/// tool goes wrong: stray quotes, line breaks and NULs inside cells, byte order marks, missing and extra
/// columns, cells of the wrong type, very long lines, random bytes, truncation.
/// </summary>
internal static class UnitsCsvMutator
{
    private static readonly string[] Cells =
        ["", "abc", "-1", "1e999", "99999999999", "yesterday", "2025-13-45T99:99:99.000+00:00", "MAYBE", "pass", "\"", "\"\"", "a\"b", "0x10", "NaN", "∞", "\u0000", "\uFEFF"];

    public static CsvMutation Mutate(Random random, string valid)
    {
        int edits = random.Next(3) == 0 ? random.Next(2, 4) : 1;
        var text = new StringBuilder(valid);
        var what = new List<string>();
        for (int e = 0; e < edits; e++)
        {
            what.Add(Edit(random, text));
        }

        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        if (random.Next(10) == 0)
        {
            // Bytes that are not UTF-8 (a file saved in Latin-1, a damaged sector).
            int at = random.Next(bytes.Length + 1);
            bytes = [.. bytes[..at], 0xFF, 0xC3, .. bytes[at..]];
            what.Add($"invalid UTF-8 at byte {at}");
        }

        return new CsvMutation(string.Join("; ", what), bytes);
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
                return RemoveNth(text, ',', random) is int removed ? $"comma at {removed} removed" : "no comma to remove";
            case 5:
                text.Insert(at, ',');
                return $"extra comma at {at}";
            case 6:
                text.Insert(at, new string('x', random.Next(1000, 200_000)));
                return $"long run of x at {at}";
            case 7:
                return ReplaceCell(random, text);
            case 8:
                int length = text.Length - at;
                text.Remove(at, length);
                return $"truncated at {at}";
            case 9:
                text.Insert(at, (char)random.Next(1, 0x3000));
                return $"random character at {at}";
            case 10:
                int newline = text.ToString().IndexOf('\n', StringComparison.Ordinal);
                if (newline > 0)
                {
                    // Damage the header: a column renamed.
                    int cut = random.Next(newline);
                    text.Insert(cut, "zz");
                    return $"header damaged at {cut}";
                }

                return "no header";
            default:
                text.Clear();
                return "emptied";
        }
    }

    /// <summary>One cell of a data row becomes a value of the wrong shape (quoted, so the row keeps its columns).</summary>
    private static string ReplaceCell(Random random, StringBuilder text)
    {
        string[] lines = text.ToString().Split('\n');
        if (lines.Length < 3)
        {
            return "no row to edit";
        }

        int row = 1 + random.Next(lines.Length - 2);
        string[] cells = lines[row].Split(',');
        int column = random.Next(cells.Length);
        string value = Cells[random.Next(Cells.Length)];
        cells[column] = "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        lines[row] = string.Join(',', cells);
        text.Clear().Append(string.Join('\n', lines));
        return $"line {row + 1} column {column + 1} = {Escape(value)}";
    }

    private static int? RemoveNth(StringBuilder text, char c, Random random)
    {
        var positions = Enumerable.Range(0, text.Length).Where(i => text[i] == c).ToList();
        if (positions.Count == 0)
        {
            return null;
        }

        int at = positions[random.Next(positions.Count)];
        text.Remove(at, 1);
        return at;
    }

    private static string Escape(string text) => text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal);
}
