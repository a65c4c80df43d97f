using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Station.Profiles.Tests.Fuzz;

/// <summary>A damaged profile, what was done to it, and the path a problem must be reported at (null when no one place must be named).</summary>
internal sealed record ProfileMutation(string Description, byte[] Bytes, string? ExpectedPath);

/// <summary>
/// Damages a valid profile the ways hand-edited files go wrong: wrong types, nulls, huge numbers, bad hex,
/// missing and unknown and doubled properties, emptied and doubled arrays, bad templates, paths to nowhere,
/// truncation and stray bytes. A single structural edit also says where the loader must point.
/// </summary>
internal static class ProfileMutator
{
    /// <summary>Values to put anywhere: every JSON kind, and the values each field is most likely to get wrong.</summary>
    private static readonly string[] Hostile =
    [
        "null", "true", "false", "0", "-1", "1", "1.5", "-0", "1e400", "-1e400", "1e-400", "4294967296", "2147483648", "-2147483649",
        "99999999999999999999999999", "\"\"", "\" \"", "\"0x\"", "\"0x1000\"", "\"0x1001\"", "\"0xFFFFFFFF\"", "\"0x100000000\"", "\"-0x1000\"",
        "\"0xZZ\"", "\"4096\"", "\"0x0\"", "-4096", "\"esp33\"", "\"ESP32\"", "\"keep\"", "\"{serial\"", "\"{unknown}\"", "\"{date:%}\"",
        "\"{date:\\\\}\"", "\"{row.}\"", "\"}{\"", "\"{{}}\"", "\"{row.psk}\"", "\"../nope.bin\"", "\"/\"", "\"/dev/null\"", "\"demo-esp32\"",
        "\"a\\u0000b\"", "\"\\ud800\"", "\"x\\udfffy\"", "\"(\"", "\"[a-\"", "\"0x10000\"", "\"0x9000\"", "[]", "{}", "[null]", "[1,\"a\",{}]",
        "{\"x\":1}", "\"" + new string('9', 5000) + "\"", "\"" + string.Concat(Enumerable.Repeat("a/", 3000)) + "\"",
        new string('[', 100) + new string(']', 100),
    ];

    /// <summary>Values aimed at what one field means: paths to nowhere, offsets off the flash, broken templates and patterns.</summary>
    private static readonly Dictionary<string, string[]> Aimed = new(StringComparer.Ordinal)
    {
        ["path"] = Paths(), ["config"] = Paths(), ["master"] = Paths(), ["ledger"] = Paths(),
        ["offset"] = Offsets(), ["size"] = [.. Offsets(), "\"1MB\"", "\"16MB\"", "\"keep\"", "\"KEEP\"", "\"0MB\""],
        ["value"] = [.. Templates(), .. Paths()], ["text"] = Templates(), ["customMac"] = Templates(), ["format"] = Templates(),
        ["hex"] = ["\"zz\"", "\"0\"", "\"\"", "\"" + new string('A', 80) + "\""],
        ["pattern"] = ["\"(\"", "\"[a-\"", "\"(?<\"", "\"\\\\\"", "\"a{2,1}\""],
        ["chip"] = ["\"esp33\"", "\"ESP32-S3\"", "\"esp8266\"", "\"esp32c2\"", "\"\""],
        ["frequency"] = ["\"80m\"", "\"60m\"", "\"80M\"", "\"fast\""],
        ["mode"] = ["\"qio\"", "\"QIO\"", "\"sio\""],
        ["encoding"] = ["\"i16\"", "\"U8\"", "\"blob\"", "\"blob_fill(4;0x00)\""],
        ["namespace"] = ["\"abcdefghijklmnop\"", "\"\"", "\"cert\""], ["key"] = ["\"abcdefghijklmnop\"", "\"\"", "\"serial\""],
        ["initialBaud"] = ["9599", "8000001", "1.5"], ["baud"] = ["9599", "8000001", "1.5"],
        ["type"] = ["\"File\"", "\"namespace\"", "\"\""],
    };

    /// <summary>Names no object in a profile knows (one differs from a known name only in case).</summary>
    private static readonly string[] UnknownNames = ["chips", "baudLader", "nmae", "Offset", "", " ", "a b", "it's", "\u00e9t\u00e9", "\u0000"];

    /// <summary>Fields that take a number or a string alike (offsets, sizes, template values).</summary>
    private static readonly HashSet<string> NumberOrString = ["offset", "size", "value", "text", "customMac"];

    /// <summary>Required properties by object location (<c>[]</c> = any item), as profiles/README.md lists them.</summary>
    private static readonly Dictionary<string, string[]> Required = new(StringComparer.Ordinal)
    {
        ["$"] = ["name", "version", "chip", "images", "link", "after"],
        ["$.images[]"] = ["name", "offset", "path", "sha256"],
        ["$.link"] = ["initialBaud", "baudLadder"],
        ["$.bootCheck"] = ["baud", "pattern", "withinSeconds"],
        ["$.deviceData.serial"] = ["product", "format"],
        ["$.deviceData.nvs"] = ["offset", "size"],
        ["$.deviceData.nvs.entries[]"] = ["namespace", "key", "encoding", "value"],
        ["$.deviceData.nvs.values"] = ["config", "master"],
        ["$.deviceData.efuse.userData"] = ["offset"],
    };

    /// <summary>Arrays that must not be empty.</summary>
    private static readonly HashSet<string> NonEmpty = ["$.images", "$.link.baudLadder", "$.retry.resetStrategies"];

    /// <summary>Arrays where a doubled item is a problem, and where it is reported relative to the copy.</summary>
    private static readonly Dictionary<string, string> DoubledItemProblem = new(StringComparer.Ordinal)
    {
        ["$.images"] = ".name", ["$.link.baudLadder"] = "", ["$.deviceData.nvs.entries"] = "",
    };

    private static string[] Paths() =>
        ["\"a\\u0000b\"", "\"../nope.bin\"", "\"/\"", "\"demo-esp32\"", "\"\"", "\"/dev/null\"", "\"\\u0001\"", "\"" + string.Concat(Enumerable.Repeat("abc/", 1200)) + "\""];

    private static string[] Offsets() =>
        ["-4096", "4294967296", "4096.5", "\"0xFFFFF000\"", "\"0x100000000\"", "\"0x\"", "\"0x-1000\"", "\"0x 1000\"", "\"0X9000\"", "\"9000\"", "\"0x3FF000\""];

    private static string[] Templates() =>
        ["\"{serial\"", "\"{date:%}\"", "\"{date:\\\\}\"", "\"{row.}\"", "\"}{\"", "\"{unknown}\"", "\"{row.psk}\"", "\"{{serial}}\"", "\"{date:\"", "\"{\"", "3"];

    /// <summary>Every field that has aimed values, with each of them in turn: one edit each, in file order.</summary>
    public static IEnumerable<ProfileMutation> Sweep(string seed)
    {
        var root = JsonNode.Parse(seed)!;
        foreach (var target in Nodes(root))
        {
            if (target.Name is { } name && Aimed.TryGetValue(name, out var values))
            {
                foreach (string raw in values)
                {
                    var (bytes, what, expected) = Replace(root, target, raw);
                    yield return new ProfileMutation(what, bytes, expected);
                }
            }
        }
    }

    public static ProfileMutation Mutate(Random random, string seed)
    {
        int edits = random.Next(3) == 0 ? random.Next(2, 4) : 1;
        byte[] bytes = Encoding.UTF8.GetBytes(seed);
        var description = new List<string>();
        string? expected = null;
        for (int e = 0; e < edits; e++)
        {
            int kind = random.Next(10);
            (byte[] Bytes, string What, string? Path) edit;
            try
            {
                var root = JsonNode.Parse(bytes)!;
                edit = kind switch
                {
                    < 4 => Replace(random, root),
                    4 => Remove(random, root),
                    5 => Add(random, root),
                    6 => DuplicateProperty(random, root),
                    7 => ArrayEdit(random, root),
                    8 => DamageText(random, bytes),
                    _ => DamageBytes(random, bytes),
                };
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
            {
                break;   // an earlier edit left text this tree cannot hold (broken JSON, a lone surrogate): keep it as it is
            }

            bytes = edit.Bytes;
            description.Add(edit.What);
            expected = edits == 1 ? edit.Path : null;
        }

        return new ProfileMutation(string.Join("; ", description), bytes, expected);
    }

    private static (byte[], string, string?) Replace(Random random, JsonNode root)
    {
        var target = Pick(random, Nodes(root));
        string raw = target.Name is { } field && Aimed.TryGetValue(field, out var aimed) && random.Next(2) == 0
            ? aimed[random.Next(aimed.Length)]
            : Hostile[random.Next(Hostile.Length)];
        return Replace(root, target, raw);
    }

    private static (byte[], string, string?) Replace(JsonNode root, Located target, string raw)
    {
        var edit = new ProfileEdit(EditKind.Replace, target.Path, raw);
        var was = Kind(target.Node);
        var now = KindOf(raw);

        // true and false are one kind to the loader: either may be right for a flag.
        (was, now) = (was == JsonValueKind.False ? JsonValueKind.True : was, now == JsonValueKind.False ? JsonValueKind.True : now);
        string? expected = null;
        if (raw.StartsWith("[[[[", StringComparison.Ordinal))
        {
            expected = "$";   // deeper than the reader's nesting limit: the file is not readable JSON
        }
        else if (was != JsonValueKind.Null && now != JsonValueKind.Null && now != was
            && !(target.Name is { } name && NumberOrString.Contains(name) && was is JsonValueKind.String or JsonValueKind.Number && now is JsonValueKind.String or JsonValueKind.Number))
        {
            expected = target.Path;
        }

        return (edit.ApplyTo(root), edit.ToString(), expected);
    }

    private static (byte[], string, string?) Remove(Random random, JsonNode root)
    {
        var target = Pick(random, Nodes(root).Where(n => n.Path != "$").ToList());
        var edit = new ProfileEdit(EditKind.Remove, target.Path);
        bool required = target.Name is { } name && Required.TryGetValue(target.ObjectLocation, out var names) && names.Contains(name);
        return (edit.ApplyTo(root), edit.ToString(), required ? target.Path : null);
    }

    private static (byte[], string, string?) Add(Random random, JsonNode root)
    {
        var target = Pick(random, Nodes(root).Where(n => n.Node is JsonObject).ToList());
        string raw = Hostile[random.Next(Hostile.Length)];
        if (random.Next(8) == 0)
        {
            // A property name that is not valid UTF-16: the loader must still name something, not crash.
            var odd = new ProfileEdit(EditKind.Add, target.Path, raw, ProfileEdit.RawNamePlaceholder);
            return (odd.ApplyTo(root, "\"\\udc00name\""), odd + " (name \\udc00name)", null);
        }

        string name = UnknownNames[random.Next(UnknownNames.Length)];
        var edit = new ProfileEdit(EditKind.Add, target.Path, raw, name);
        return (edit.ApplyTo(root), edit.ToString(), raw.StartsWith("[[[[", StringComparison.Ordinal) ? "$" : ProfileEdit.PropertyPath(target.Path, name));
    }

    private static (byte[], string, string?) DuplicateProperty(Random random, JsonNode root)
    {
        var target = Pick(random, Nodes(root).Where(n => n.Name is not null).ToList());
        string raw = random.Next(2) == 0 ? target.Node?.ToJsonString() ?? "null" : Hostile[random.Next(Hostile.Length)];
        var edit = new ProfileEdit(EditKind.Duplicate, target.Path, raw);
        return (edit.ApplyTo(root), edit.ToString(), raw.StartsWith("[[[[", StringComparison.Ordinal) ? "$" : target.Path);
    }

    private static (byte[], string, string?) ArrayEdit(Random random, JsonNode root)
    {
        var arrays = Nodes(root).Where(n => n.Node is JsonArray { Count: > 0 }).ToList();
        var target = Pick(random, arrays);
        int index = random.Next(((JsonArray)target.Node!).Count);
        string item = $"{target.Path}[{index}]";
        switch (random.Next(3))
        {
            case 0:
                var empty = new ProfileEdit(EditKind.Replace, target.Path, "[]");
                return (empty.ApplyTo(root), empty.ToString(), NonEmpty.Contains(target.Path) ? target.Path : null);
            case 1:
                var doubled = new ProfileEdit(EditKind.Duplicate, item);
                return (doubled.ApplyTo(root), doubled.ToString(),
                    DoubledItemProblem.TryGetValue(target.Path, out string? suffix) ? $"{target.Path}[{index + 1}]{suffix}" : null);
            default:
                var removed = new ProfileEdit(EditKind.Remove, item);
                return (removed.ApplyTo(root), removed.ToString(), null);
        }
    }

    /// <summary>Edits of the text itself: cut short, a character lost, a stray structural character.</summary>
    private static (byte[], string, string?) DamageText(Random random, byte[] bytes)
    {
        string text = Encoding.UTF8.GetString(bytes);
        int at = random.Next(text.Length + 1);
        const string strays = "{}[],:\"\\/*\n0-";
        char stray = strays[random.Next(strays.Length)];
        return random.Next(4) switch
        {
            0 => (Encoding.UTF8.GetBytes(text[..at]), $"truncated at character {at}", string.IsNullOrWhiteSpace(text[at..]) ? null : "$"),
            1 when at < text.Length => (Encoding.UTF8.GetBytes(text.Remove(at, 1)), $"character {at} ('{text[at]}') removed", null),
            2 when at < text.Length => (Encoding.UTF8.GetBytes(text.Remove(at, 1).Insert(at, stray.ToString())), $"character {at} ('{text[at]}') replaced by '{stray}'", null),
            _ => (Encoding.UTF8.GetBytes(text.Insert(at, stray.ToString())), $"'{stray}' inserted at character {at}", null),
        };
    }

    /// <summary>Bytes that are not text: invalid UTF-8 inside a string, a NUL, a byte order mark.</summary>
    private static (byte[], string, string?) DamageBytes(Random random, byte[] bytes)
    {
        var list = new List<byte>(bytes);
        switch (random.Next(3))
        {
            case 0:
                int quote = list.IndexOf((byte)'"', random.Next(list.Count));
                int at = quote < 0 ? random.Next(list.Count) : quote + 1;
                byte[] invalid = random.Next(2) == 0 ? [0xFF] : [0xC3];
                list.InsertRange(at, invalid);
                return ([.. list], $"invalid UTF-8 0x{invalid[0]:X2} inserted at byte {at}", null);
            case 1:
                int nul = random.Next(list.Count + 1);
                list.Insert(nul, 0);
                return ([.. list], $"NUL inserted at byte {nul}", null);
            default:
                return ([0xEF, 0xBB, 0xBF, .. list], "byte order mark added", null);
        }
    }

    private static Located Pick(Random random, IReadOnlyList<Located> nodes) => nodes[random.Next(nodes.Count)];

    private static JsonValueKind Kind(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;

    private static JsonValueKind KindOf(string raw) => raw[0] switch
    {
        'n' => JsonValueKind.Null,
        't' => JsonValueKind.True,
        'f' => JsonValueKind.False,
        '"' => JsonValueKind.String,
        '[' => JsonValueKind.Array,
        '{' => JsonValueKind.Object,
        _ => JsonValueKind.Number,
    };

    /// <summary>Every node with its path, its property name (null for items and the root) and its object's location.</summary>
    private static List<Located> Nodes(JsonNode root)
    {
        var nodes = new List<Located>();
        void Visit(JsonNode? node, string path, string location, string? name, string objectLocation)
        {
            nodes.Add(new Located(path, node, name, objectLocation));
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (childName, child) in obj)
                    {
                        Visit(child, ProfileEdit.PropertyPath(path, childName), ProfileEdit.PropertyPath(location, childName), childName, location);
                    }

                    break;
                case JsonArray array:
                    for (int i = 0; i < array.Count; i++)
                    {
                        Visit(array[i], $"{path}[{i}]", location + "[]", null, location);
                    }

                    break;
            }
        }

        Visit(root, "$", "$", null, "");
        return nodes;
    }

    /// <param name="ObjectLocation">The containing object's path with <c>[]</c> for any array index (<c>$.images[]</c>).</param>
    private sealed record Located(string Path, JsonNode? Node, string? Name, string ObjectLocation);
}
