using System.Text.Json;
using System.Text.RegularExpressions;
using Station.Transport.Discovery;
using Station.Transport.Reset;

namespace Station.Cli.Ports;

/// <summary>Where one slot's board is reached: a USB position, a udev by-path name, or a port address.</summary>
/// <param name="Usb">A hub path (<c>1-1.4.2</c>) or, for the second port of a multi-port bridge, its interface (<c>1-1.4.2:1.1</c>).</param>
/// <param name="ByPath">A <c>/dev/serial/by-path</c> name (or its full path).</param>
/// <param name="Port">A device path or URL (<c>rfc2217://10.0.0.7:4001</c>, <c>socket://…</c>).</param>
public sealed record StationSlot(string Name, string? Usb, string? ByPath, string? Port)
{
    /// <summary>Where the slot is, in the file's terms: <c>usb 1-1.4.2</c>, <c>by-path …</c>, or the port.</summary>
    public string Where => Usb is not null ? $"usb {Usb}" : ByPath is not null ? $"by-path {ByPath}" : Port!;
}

/// <summary>A problem in a station file, at a JSON path.</summary>
public sealed record StationFileProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>A station file that cannot be used, with every problem found.</summary>
public sealed class StationFileException(string file, IReadOnlyList<StationFileProblem> problems)
    : Exception($"{file} cannot be used:\n" + string.Join('\n', problems.Select(p => "  " + p)))
{
    public string File { get; } = file;

    public IReadOnlyList<StationFileProblem> Problems { get; } = problems;
}

/// <summary>
/// A station file (<c>station.json</c>): what this line PC's slots are called and where each one is —
/// by physical USB position, so a board re-plugged under a new /dev name stays in its slot — and
/// corrections to the built-in USB bridge table for this station's adapters.
/// </summary>
/// <remarks>
/// <code>
/// {
///   "slots": [
///     { "name": "fixture A, slot 1", "usb": "1-1.4.1" },
///     { "name": "fixture A, slot 2", "byPath": "pci-0000:00:14.0-usb-0:1.4.2:1.0-port0" },
///     { "name": "remote 1", "port": "rfc2217://10.0.0.7:4001" }
///   ],
///   "adapters": [
///     { "usb": "1a86:7523", "maxBaud": 230400, "resets": ["unix-tight-slow"] }
///   ]
/// }
/// </code>
/// </remarks>
public sealed partial class StationFile
{
    private StationFile(string path, IReadOnlyList<StationSlot> slots, IReadOnlyList<AdapterSpec> adapters)
    {
        SourcePath = path;
        Slots = slots;
        Adapters = adapters;
    }

    public string SourcePath { get; }

    public IReadOnlyList<StationSlot> Slots { get; }

    /// <summary>Entries that replace or extend the built-in bridge table.</summary>
    public IReadOnlyList<AdapterSpec> Adapters { get; }

    /// <summary>The built-in bridge table with this file's corrections.</summary>
    public AdapterCatalogue Catalogue => AdapterCatalogue.Default.With(Adapters);

    /// <summary>Reads and checks a station file; every problem is reported at once, with its JSON path.</summary>
    public static StationFile Load(string path)
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StationFileException(path, [new("$", $"cannot be read: {e.Message}")]);
        }

        return Parse(path, text);
    }

    public static StationFile Parse(string path, string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new StationFileException(path, [new("$", $"is not valid JSON: {e.Message}")]);
        }

        using (document)
        {
            var problems = new List<StationFileProblem>();
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new StationFileException(path, [new("$", "must be an object with a \"slots\" list")]);
            }

            Unknown(root, "$", ["slots", "adapters", "$schema"], problems);
            var slots = ReadSlots(root, problems);
            var adapters = ReadAdapters(root, problems);
            return problems.Count > 0 ? throw new StationFileException(path, problems) : new StationFile(path, slots, adapters);
        }
    }

    private static List<StationSlot> ReadSlots(JsonElement root, List<StationFileProblem> problems)
    {
        var slots = new List<StationSlot>();
        if (!root.TryGetProperty("slots", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            problems.Add(new("$.slots", "must be a list of at least one slot: { \"name\": …, \"usb\" | \"byPath\" | \"port\": … }"));
            return slots;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var places = new HashSet<string>(StringComparer.Ordinal);
        int i = 0;
        foreach (var slot in list.EnumerateArray())
        {
            string at = $"$.slots[{i++}]";
            if (slot.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new(at, "must be an object"));
                continue;
            }

            Unknown(slot, at, ["name", "usb", "byPath", "port"], problems);
            string? name = Text(slot, "name", at, problems);
            string? usb = Text(slot, "usb", at, problems);
            string? byPath = Text(slot, "byPath", at, problems);
            string? port = Text(slot, "port", at, problems);
            if (string.IsNullOrWhiteSpace(name))
            {
                problems.Add(new($"{at}.name", "is required: what operators call this slot, e.g. \"fixture A, slot 3\""));
            }
            else if (!names.Add(name))
            {
                problems.Add(new($"{at}.name", $"'{name}' names another slot too"));
            }

            int given = new[] { usb, byPath, port }.Count(v => v is not null);
            if (given != 1)
            {
                problems.Add(new(at, given == 0
                    ? "needs where the slot is: \"usb\" (hub path such as 1-1.4.2, see 'station ports'), \"byPath\" or \"port\""
                    : "give only one of \"usb\", \"byPath\" and \"port\""));
                continue;
            }

            if (usb is not null && !HubPath().IsMatch(usb))
            {
                problems.Add(new($"{at}.usb", $"'{usb}' is not a hub path like 1-1.4.2 (or an interface like 1-1.4.2:1.1); 'station ports' lists them"));
                continue;
            }

            var entry = new StationSlot(name ?? "", usb, byPath, port);
            if (!places.Add(entry.Where))
            {
                problems.Add(new(at, $"{entry.Where} is another slot's place too"));
            }

            slots.Add(entry);
        }

        return slots;
    }

    private static List<AdapterSpec> ReadAdapters(JsonElement root, List<StationFileProblem> problems)
    {
        var adapters = new List<AdapterSpec>();
        if (!root.TryGetProperty("adapters", out var list))
        {
            return adapters;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            problems.Add(new("$.adapters", "must be a list"));
            return adapters;
        }

        int i = 0;
        foreach (var entry in list.EnumerateArray())
        {
            string at = $"$.adapters[{i++}]";
            if (entry.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new(at, "must be an object"));
                continue;
            }

            Unknown(entry, at, ["usb", "name", "maxBaud", "resets", "usbSerialJtag", "advice"], problems);
            if (!UsbId.TryParse(Text(entry, "usb", at, problems), out var id))
            {
                problems.Add(new($"{at}.usb", "is required: the adapter's VID:PID as 'station ports' shows it, e.g. 1a86:7523"));
                continue;
            }

            // Fields not given keep the built-in entry's values.
            var spec = AdapterCatalogue.Default.Find(id.Value) ?? new AdapterSpec(id.Value, id.Value.ToString());
            if (Text(entry, "name", at, problems) is { } name)
            {
                spec = spec with { Name = name };
            }

            if (entry.TryGetProperty("maxBaud", out var baud))
            {
                if (baud.ValueKind == JsonValueKind.Number && baud.TryGetInt32(out int b) && b is >= 300 and <= 20_000_000)
                {
                    spec = spec with { MaxReliableBaud = b };
                }
                else if (baud.ValueKind == JsonValueKind.Null)
                {
                    spec = spec with { MaxReliableBaud = null };
                }
                else
                {
                    problems.Add(new($"{at}.maxBaud", "must be a baud between 300 and 20000000, or null for no limit"));
                }
            }

            if (entry.TryGetProperty("resets", out var resets))
            {
                var order = new List<string>();
                if (resets.ValueKind != JsonValueKind.Array)
                {
                    problems.Add(new($"{at}.resets", "must be a list of reset strategy names"));
                }
                else
                {
                    int r = 0;
                    foreach (var reset in resets.EnumerateArray())
                    {
                        string resetAt = $"{at}.resets[{r++}]";
                        try
                        {
                            _ = ResetStrategies.Parse(reset.ValueKind == JsonValueKind.String ? reset.GetString()! : "");
                            order.Add(reset.GetString()!);
                        }
                        catch (FormatException e)
                        {
                            problems.Add(new(resetAt, e.Message));
                        }
                    }
                }

                spec = spec with { ResetOrder = order };
            }

            if (entry.TryGetProperty("usbSerialJtag", out var jtag))
            {
                if (jtag.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    spec = spec with { UsbSerialJtag = jtag.GetBoolean() };
                }
                else
                {
                    problems.Add(new($"{at}.usbSerialJtag", "must be true or false"));
                }
            }

            if (Text(entry, "advice", at, problems) is { } advice)
            {
                spec = spec with { Advice = advice };
            }

            adapters.Add(spec);
        }

        return adapters;
    }

    private static string? Text(JsonElement element, string property, string at, List<StationFileProblem> problems)
    {
        if (!element.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
        {
            return text;
        }

        problems.Add(new($"{at}.{property}", "must be a non-empty string"));
        return null;
    }

    private static void Unknown(JsonElement element, string at, string[] known, List<StationFileProblem> problems)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                string? close = known.FirstOrDefault(k => string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase));
                problems.Add(new($"{at}.{property.Name}", $"is not a station file setting{(close is null ? $" (known here: {string.Join(", ", known.Where(k => k[0] != '$'))})" : $"; did you mean '{close}'?")}"));
            }
        }
    }

    [GeneratedRegex(@"^\d+-\d+(\.\d+)*(:\d+\.\d+)?$")]
    private static partial Regex HubPath();
}
