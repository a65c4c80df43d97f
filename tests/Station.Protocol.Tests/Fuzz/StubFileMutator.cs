using System.Text.Json.Nodes;

namespace Station.Protocol.Tests.Fuzz;

/// <summary>A damaged stub file, what was done, and words its error must contain (null when any error will do).</summary>
internal sealed record StubMutation(string Description, string Json, string? ExpectedMessage);

/// <summary>
/// Damages esptool stub files (flat JSON: <c>entry</c>, <c>text</c>, <c>text_start</c>, <c>data</c>, <c>data_start</c>,
/// <c>bss_start</c>): wrong types, absurd numbers, bad base64, missing and doubled fields, truncated text.
/// </summary>
internal static class StubFileMutator
{
    private static readonly string[] Numbers = ["entry", "text_start", "data_start", "bss_start"];

    private static readonly string[] Base64 = ["text", "data"];

    private static readonly string[] Required = ["entry", "text", "text_start"];

    private static readonly string[] HostileNumbers =
        ["-1", "4294967296", "1.5", "1e400", "1e3", "\"0x400\"", "null", "true", "[]", "{}", "0", "4294967295", "4294967040", "99999999999999999999999"];

    private static readonly string[] HostileBase64 =
        ["\"\"", "\"@@@\"", "\"AQ=\"", "\"AQ\"", "\"\\ud800\"", "\"QUFB\\u0000\"", "\" \"", "\"====\"", "1", "null", "[\"AQ==\"]", "\"AQ==\""];

    public static StubMutation Mutate(Random random, string seed)
    {
        var root = JsonNode.Parse(seed)!.AsObject();
        switch (random.Next(9))
        {
            case 0 or 1:
            {
                string name = Numbers[random.Next(Numbers.Length)];
                string raw = HostileNumbers[random.Next(HostileNumbers.Length)];
                root[name] = JsonNode.Parse(raw);
                bool notUInt32 = raw is not ("0" or "4294967295" or "4294967040" or "1e3");
                bool dataStartWithoutData = name == "data_start" && root["data"] is null;
                return new($"{name} = {raw}", root.ToJsonString(), notUInt32 && !dataStartWithoutData ? $"field '{name}' must be an unsigned 32-bit number" : null);
            }

            case 2 or 3:
            {
                string name = Base64[random.Next(Base64.Length)];
                string raw = HostileBase64[random.Next(HostileBase64.Length)];
                string json = Replace(root, name, raw);
                string? expected = raw[0] != '"' ? $"field '{name}' must be a base64 string"
                    : raw is "\"\"" or "\" \"" or "\"AQ==\"" ? null
                    : $"field '{name}' is not valid base64";
                return new($"{name} = {raw}", json, expected);
            }

            case 4:
            {
                var names = root.Select(p => p.Key).ToList();
                string name = names[random.Next(names.Count)];
                root.Remove(name);
                string? expected = Required.Contains(name) ? $"field '{name}' is missing"
                    : name == "data_start" && root["data"] is not null ? "'data' is present but 'data_start' is missing"
                    : null;
                return new($"{name} removed", root.ToJsonString(), expected);
            }

            case 5:
            {
                string name = Base64[random.Next(Base64.Length)];
                string? text = root[name]?.GetValue<string>();
                if (string.IsNullOrEmpty(text))
                {
                    goto default;
                }

                // A character lost or changed in transit or by an editor: the base64 may still decode, to other bytes.
                int at = random.Next(text.Length);
                const string alphabet = "ABCXYZabcxyz0189+/=@ -_\n";
                string damaged = random.Next(2) == 0 ? text.Remove(at, 1) : text.Remove(at, 1).Insert(at, alphabet[random.Next(alphabet.Length)].ToString());
                root[name] = damaged;
                return new($"{name}: character {at} removed or changed", root.ToJsonString(), null);
            }

            case 6:
            {
                string name = random.Next(2) == 0 ? "plugins" : Numbers[random.Next(Numbers.Length)];
                string raw = HostileNumbers[random.Next(HostileNumbers.Length)];
                string json = "{" + $"\"{name}\": {raw}, " + root.ToJsonString()[1..];
                return new($"{name} doubled (first = {raw})", json, null);
            }

            default:
            {
                string json = root.ToJsonString();
                int at = random.Next(json.Length);
                return random.Next(2) == 0
                    ? new($"truncated at {at}", json[..at], "not valid JSON")
                    : new($"'}}' inserted at {at}", json.Insert(at, "}"), null);
            }
        }
    }

    // JsonNode cannot hold a lone surrogate, so the value is written into the text.
    private static string Replace(JsonObject root, string name, string raw)
    {
        root[name] = "RAW-VALUE-PLACEHOLDER";
        return root.ToJsonString().Replace("\"RAW-VALUE-PLACEHOLDER\"", raw, StringComparison.Ordinal);
    }

    public static string Describe(StubMutation mutation) =>
        $"{mutation.Description}: {(mutation.Json.Length > 300 ? mutation.Json[..300] + "..." : mutation.Json)}";
}
