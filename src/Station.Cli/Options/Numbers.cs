using System.Globalization;

namespace Station.Cli.Options;

/// <summary>Addresses and sizes as people type them: 0x10000, 65536, 64K, 4MB.</summary>
public static class Numbers
{
    public static bool TryParseAddress(string text, out uint value)
    {
        text = text.Trim().Replace("_", "", StringComparison.Ordinal);
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return uint.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out value);
        }

        return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A byte count: plain or hex number, or with a K/KB/M/MB suffix (binary units).</summary>
    public static bool TryParseSize(string text, out uint value)
    {
        value = 0;
        string t = text.Trim().ToUpperInvariant();
        uint unit = 1;
        foreach (var (suffix, multiplier) in new[] { ("KB", 1024u), ("MB", 1024u * 1024), ("K", 1024u), ("M", 1024u * 1024) })
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal) && !t.StartsWith("0X", StringComparison.Ordinal))
            {
                t = t[..^suffix.Length];
                unit = multiplier;
                break;
            }
        }

        if (!TryParseAddress(t, out uint count))
        {
            return false;
        }

        ulong total = (ulong)count * unit;
        if (total > uint.MaxValue)
        {
            return false;
        }

        value = (uint)total;
        return true;
    }
}
