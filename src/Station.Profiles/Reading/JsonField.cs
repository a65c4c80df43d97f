using System.Text.Json;

namespace Station.Profiles.Reading;

/// <summary>
/// One value in a profile with its JSON path. Each typed read either returns the value or records
/// a problem at the path and returns null, so a reader can carry on and find the next problem.
/// </summary>
internal readonly record struct JsonField(JsonElement Value, string Path, ProblemList Problems)
{
    /// <summary>Upper bound for any duration, so a slipped digit is caught and TimeSpan cannot overflow.</summary>
    public const double MaxSeconds = 86_400;

    /// <summary>A non-empty string.</summary>
    public string? AsString()
    {
        if (Value.ValueKind != JsonValueKind.String)
        {
            return Fail<string>($"must be a string, not {Describe(Value)}");
        }

        string text = Value.GetString()!;
        return string.IsNullOrWhiteSpace(text) ? Fail<string>("must not be empty") : text;
    }

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int? AsInt(int min, int max = int.MaxValue)
    {
        if (Value.ValueKind != JsonValueKind.Number)
        {
            return FailValue<int>($"must be a whole number, not {Describe(Value)}");
        }

        bool whole = Value.TryGetDouble(out double number) && Math.Floor(number) == number;
        if (!whole)
        {
            return FailValue<int>($"must be a whole number, not {Value.GetRawText()}");
        }

        if (!Value.TryGetInt32(out int value) || value < min || value > max)
        {
            string range = max == int.MaxValue ? $"at least {min}" : $"between {min} and {max}";
            return FailValue<int>($"must be {range}, not {Value.GetRawText()}");
        }

        return value;
    }

    /// <summary>A duration in seconds, more than 0 (fractions allowed).</summary>
    public TimeSpan? AsSeconds()
    {
        if (Value.ValueKind != JsonValueKind.Number || !Value.TryGetDouble(out double seconds))
        {
            return FailValue<TimeSpan>($"must be a number of seconds, not {Describe(Value)}");
        }

        return seconds is > 0 and <= MaxSeconds
            ? TimeSpan.FromSeconds(seconds)
            : FailValue<TimeSpan>($"must be more than 0 and at most {MaxSeconds} seconds, not {Value.GetRawText()}");
    }

    public bool? AsBool() =>
        Value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? Value.GetBoolean()
            : FailValue<bool>($"must be true or false, not {Describe(Value)}");

    /// <summary>An object whose property names must all be in <paramref name="known"/>.</summary>
    public JsonObjectReader? AsObject(IReadOnlySet<string> known) =>
        Value.ValueKind == JsonValueKind.Object
            ? new JsonObjectReader(Value, Path, known, Problems)
            : Fail<JsonObjectReader>($"must be an object, not {Describe(Value)}");

    /// <summary>The items of an array, each with its own path.</summary>
    public IReadOnlyList<JsonField>? AsArray()
    {
        if (Value.ValueKind != JsonValueKind.Array)
        {
            return Fail<IReadOnlyList<JsonField>>($"must be an array, not {Describe(Value)}");
        }

        var items = new List<JsonField>();
        int index = 0;
        foreach (var item in Value.EnumerateArray())
        {
            items.Add(new JsonField(item, JsonPath.Item(Path, index++), Problems));
        }

        return items;
    }

    /// <summary>Records a problem at this field's path (for checks beyond the type).</summary>
    public void Problem(string message) => Problems.Add(Path, message);

    /// <summary>How a value reads in a message: its kind, and the value itself when short.</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string {Short(value.GetRawText())}",
        JsonValueKind.Number => $"the number {Short(value.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static string Short(string text) => text.Length <= 40 ? text : text[..37] + "...";

    private T? Fail<T>(string message)
        where T : class
    {
        Problem(message);
        return null;
    }

    private T? FailValue<T>(string message)
        where T : struct
    {
        Problem(message);
        return null;
    }
}
