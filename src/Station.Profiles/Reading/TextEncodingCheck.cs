using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace Station.Profiles.Reading;

/// <summary>
/// Finds text the JSON reader accepts but cannot turn into strings: bytes that are not UTF-8, and <c>\u</c>
/// escapes of half a surrogate pair. Both would otherwise surface as an exception from deep inside the reader;
/// here they become problems that say where.
/// </summary>
internal static class TextEncodingCheck
{
    /// <summary>Records a problem at <c>$</c> naming the line and byte of the first byte that is not UTF-8; false when there is one.</summary>
    public static bool IsUtf8(ReadOnlySpan<byte> bytes, ProblemList problems)
    {
        var chars = ArrayPool<char>.Shared.Rent(4096);
        try
        {
            int offset = 0;
            while (offset < bytes.Length)
            {
                var status = Utf8.ToUtf16(bytes[offset..], chars, out int read, out _, replaceInvalidSequences: false);
                offset += read;
                if (status == OperationStatus.InvalidData || status == OperationStatus.NeedMoreData)
                {
                    int line = bytes[..offset].Count((byte)'\n') + 1;
                    problems.Add(JsonPath.Root, $"not valid UTF-8 at line {line}, byte {offset + 1} (0x{bytes[offset]:X2}): save the profile as UTF-8 text");
                    return false;
                }
            }

            return true;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>Records a problem at every string and property name holding a lone surrogate; false when there is any.</summary>
    public static bool HasOnlyWholeCharacters(JsonElement root, ProblemList problems) => Walk(root, JsonPath.Root, problems) == 0;

    private static int Walk(JsonElement element, string path, ProblemList problems)
    {
        int found = 0;
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (TryName(property) is { } name)
                    {
                        found += Walk(property.Value, JsonPath.Property(path, name), problems);
                    }
                    else
                    {
                        problems.Add(path, $"the property name {RawName(property)} {LoneSurrogate}");
                        found++;
                    }
                }

                break;

            case JsonValueKind.Array:
                int index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    found += Walk(item, JsonPath.Item(path, index++), problems);
                }

                break;

            case JsonValueKind.String when !IsReadable(element):
                problems.Add(path, $"the string {Short(element.GetRawText())} {LoneSurrogate}");
                found++;
                break;
        }

        return found;
    }

    private const string LoneSurrogate = "holds a \\u escape for half of a surrogate pair (\\uD800-\\uDFFF without its partner), which is not a character";

    // The reader offers no check of its own: reading the string is the check.
    private static bool IsReadable(JsonElement value)
    {
        try
        {
            _ = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string? TryName(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The name as written in the file, escapes kept: the property's raw text up to the name's closing quote.</summary>
    private static string RawName(JsonProperty property)
    {
        // JsonProperty.ToString() is the un-interpreted text from the name's opening quote to the end of the value.
        string raw = property.ToString();
        int end = 1;
        while (end < raw.Length && raw[end] != '"')
        {
            end += raw[end] == '\\' ? 2 : 1;
        }

        return Short(raw[..Math.Min(end + 1, raw.Length)]);
    }

    private static string Short(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
