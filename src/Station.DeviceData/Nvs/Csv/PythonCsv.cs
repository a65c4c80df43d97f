using System.Text;

namespace Station.DeviceData.Nvs.Csv;

/// <summary>One CSV record and the line it starts on (1-based, in the original text).</summary>
internal sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>
/// Splits CSV text the way Python's <c>csv</c> module does with its default ("excel") dialect, which is what
/// ESP-IDF's tools read with: quotes double to escape, quoted fields may span lines, a stray character after a
/// closing quote joins the field, an unterminated quote runs to the end, fields hold at most 131072 characters.
/// Line endings are normalised to \n first, as Python's text mode does.
/// </summary>
internal static class PythonCsv
{
    public const int FieldSizeLimit = 131072;

    private enum State
    {
        StartRecord,
        StartField,
        InField,
        InQuotedField,
        QuoteInQuotedField,
        EatNewline,
    }

    /// <summary>Physical lines (with their \n) and their 1-based numbers, after newline normalisation.</summary>
    public static List<(int Number, string Text)> Lines(string text)
    {
        string normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        var lines = new List<(int, string)>();
        int start = 0;
        int number = 1;
        while (start < normalized.Length)
        {
            int end = normalized.IndexOf('\n', start);
            end = end < 0 ? normalized.Length : end + 1;
            lines.Add((number++, normalized[start..end]));
            start = end;
        }

        return lines;
    }

    /// <summary>Records of the given lines; empty records (blank lines) are kept as empty field lists.</summary>
    /// <exception cref="NvsException">A field is larger than Python's limit.</exception>
    public static List<CsvRecord> Parse(IEnumerable<(int Number, string Text)> lines)
    {
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var state = State.StartRecord;
        int recordLine = 0;

        void SaveField()
        {
            fields.Add(field.ToString());
            field.Clear();
        }

        void Add(char c, int line)
        {
            if (field.Length >= FieldSizeLimit)
            {
                throw new NvsException(new NvsError(NvsErrorCodes.CsvFieldTooLarge, $"field larger than field limit ({FieldSizeLimit})", line));
            }

            field.Append(c);
        }

        foreach (var (number, text) in lines)
        {
            if (state == State.StartRecord)
            {
                recordLine = number;
            }

            // Each line's characters, then an end-of-line mark, as Python's reader feeds its state machine.
            for (int i = 0; i <= text.Length; i++)
            {
                bool eol = i == text.Length;
                char c = eol ? '\0' : text[i];
                bool newline = !eol && c == '\n';
                switch (state)
                {
                    case State.StartRecord:
                        if (eol)
                        {
                            break;
                        }

                        if (newline)
                        {
                            state = State.EatNewline;
                            break;
                        }

                        state = State.StartField;
                        goto case State.StartField;

                    case State.StartField:
                        if (eol || newline)
                        {
                            SaveField();
                            state = eol ? State.StartRecord : State.EatNewline;
                        }
                        else if (c == '"')
                        {
                            state = State.InQuotedField;
                        }
                        else if (c == ',')
                        {
                            SaveField();
                        }
                        else
                        {
                            Add(c, number);
                            state = State.InField;
                        }

                        break;

                    case State.InField:
                        if (eol || newline)
                        {
                            SaveField();
                            state = eol ? State.StartRecord : State.EatNewline;
                        }
                        else if (c == ',')
                        {
                            SaveField();
                            state = State.StartField;
                        }
                        else
                        {
                            Add(c, number);
                        }

                        break;

                    case State.InQuotedField:
                        if (eol)
                        {
                            break;
                        }

                        if (c == '"')
                        {
                            state = State.QuoteInQuotedField;
                        }
                        else
                        {
                            Add(c, number);
                        }

                        break;

                    case State.QuoteInQuotedField:
                        if (c == '"' && !eol)
                        {
                            Add('"', number);
                            state = State.InQuotedField;
                        }
                        else if (eol || newline)
                        {
                            SaveField();
                            state = eol ? State.StartRecord : State.EatNewline;
                        }
                        else if (c == ',')
                        {
                            SaveField();
                            state = State.StartField;
                        }
                        else
                        {
                            Add(c, number);
                            state = State.InField;
                        }

                        break;

                    case State.EatNewline:
                        if (eol)
                        {
                            state = State.StartRecord;
                        }

                        break;
                }

                // The record is complete once an end of line leaves the machine at the start of a record.
                if (eol && state == State.StartRecord)
                {
                    records.Add(new CsvRecord(recordLine, fields.ToList()));
                    fields.Clear();
                }
            }
        }

        // An unterminated quoted field runs to the end of the text (Python's non-strict mode).
        if (state == State.InQuotedField || field.Length > 0)
        {
            SaveField();
            records.Add(new CsvRecord(recordLine, fields.ToList()));
        }

        return records;
    }
}
