namespace Station.Traceability.Csv;

/// <summary>
/// A cell holding <c>key=value;key=value</c> (image digests, MD5 verdicts, step times, event kinds):
/// one cell instead of a column per region or kind, so the layout stays fixed whatever the profile.
/// </summary>
public static class PairListCell
{
    public static string? Format(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        string text = string.Join(';', pairs.Select(p => $"{p.Key}={p.Value}"));
        return text.Length == 0 ? null : text;
    }

    /// <summary>Splits a cell back into pairs; an item without '=' becomes a key with an empty value.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string? cell)
    {
        if (string.IsNullOrWhiteSpace(cell))
        {
            return [];
        }

        return [.. cell.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(item =>
        {
            int equals = item.IndexOf('=');
            return equals < 0 ? new KeyValuePair<string, string>(item, "") : new KeyValuePair<string, string>(item[..equals], item[(equals + 1)..]);
        })];
    }
}
