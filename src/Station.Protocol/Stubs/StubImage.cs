using System.Text.Json;

namespace Station.Protocol.Stubs;

/// <summary>
/// A flasher stub in esptool's JSON format: <c>entry</c>, <c>text</c> (base64) at <c>text_start</c>,
/// optional <c>data</c> at <c>data_start</c> and <c>bss_start</c>. Unknown fields are ignored, since
/// newer stub releases add some (plugins, handler tables).
/// </summary>
public sealed record StubImage(uint Entry, uint TextStart, byte[] Text, uint? DataStart, byte[]? Data, uint? BssStart)
{
    public const int MaxSegmentLength = 0x10_0000;

    /// <summary>Parses a stub file's text; <paramref name="source"/> names it in error messages.</summary>
    public static StubImage Parse(string json, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw Bad(source, $"not valid JSON ({e.Message})");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Bad(source, "the top level must be an object");
            }

            uint entry = RequiredUInt(root, "entry", source);
            uint textStart = RequiredUInt(root, "text_start", source);
            byte[] text = RequiredBase64(root, "text", source);
            byte[]? data = root.TryGetProperty("data", out _) ? RequiredBase64(root, "data", source) : null;
            uint? dataStart = root.TryGetProperty("data_start", out _) ? RequiredUInt(root, "data_start", source) : null;
            uint? bssStart = root.TryGetProperty("bss_start", out _) ? RequiredUInt(root, "bss_start", source) : null;
            if (data is not null && dataStart is null)
            {
                throw Bad(source, "'data' is present but 'data_start' is missing");
            }

            if (text.Length == 0)
            {
                throw Bad(source, "'text' is empty");
            }

            // The loader reads entry 0 as "do not jump": the stub would never start.
            if (entry == 0)
            {
                throw Bad(source, "'entry' is 0, which tells the loader not to start the stub");
            }

            CheckSegment(source, "text", textStart, text.Length);
            if (data is not null && dataStart is { } start)
            {
                CheckSegment(source, "data", start, data.Length);
                if (start < (long)textStart + text.Length && textStart < (long)start + data.Length)
                {
                    throw Bad(source, $"'data' (0x{start:X8}, {data.Length} bytes) overlaps 'text' (0x{textStart:X8}, {text.Length} bytes)");
                }
            }

            return new StubImage(entry, textStart, text, dataStart, data, bssStart);
        }
    }

    /// <summary>The segments to upload, in esptool's order: text, then data.</summary>
    public IEnumerable<(uint Address, byte[] Bytes)> Segments()
    {
        yield return (TextStart, Text);
        if (Data is { Length: > 0 } data && DataStart is { } start)
        {
            yield return (start, data);
        }
    }

    /// <summary>
    /// A segment must fit RAM and the 32-bit address space. The largest RAM a stub can load into (ESP32-P4) is
    /// 768 KiB, and every esptool stub is under 16 KiB, so 1 MiB is far beyond any real stub.
    /// </summary>
    private static void CheckSegment(string source, string name, uint start, int length)
    {
        if (length > MaxSegmentLength)
        {
            throw Bad(source, $"'{name}' is {length} bytes, more than any chip's RAM holds (at most {MaxSegmentLength} bytes)");
        }

        if ((long)start + length > 0x1_0000_0000)
        {
            throw Bad(source, $"'{name}' ({length} bytes at 0x{start:X8}) runs past the end of the 32-bit address space");
        }
    }

    private static uint RequiredUInt(JsonElement root, string name, string source)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            throw Bad(source, $"field '{name}' is missing");
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long n) || n < 0 || n > uint.MaxValue)
        {
            throw Bad(source, $"field '{name}' must be an unsigned 32-bit number");
        }

        return (uint)n;
    }

    private static byte[] RequiredBase64(JsonElement root, string name, string source)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            throw Bad(source, $"field '{name}' is missing");
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw Bad(source, $"field '{name}' must be a base64 string");
        }

        try
        {
            return Convert.FromBase64String(value.GetString()!);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            // InvalidOperationException: a \u escape for half a surrogate pair, which no string can hold.
            throw Bad(source, $"field '{name}' is not valid base64");
        }
    }

    private static ProtocolException Bad(string source, string what) =>
        new(ProtocolFault.MalformedStubFile, $"Stub file {source}: {what}.");
}
