using System.Text.Json;

namespace Station.Profiles.Reading;

/// <summary>
/// Reads the properties of one JSON object by name. On construction it reports every property
/// that is not in the object's known set (suggesting the closest known name) and every duplicate.
/// </summary>
internal sealed class JsonObjectReader
{
    private readonly JsonElement element;
    private readonly IReadOnlySet<string> known;
    private readonly ProblemList problems;

    public JsonObjectReader(JsonElement element, string path, IReadOnlySet<string> known, ProblemList problems)
    {
        this.element = element;
        this.known = known;
        this.problems = problems;
        Path = path;
        ReportUnknownAndDuplicateProperties();
    }

    public string Path { get; }

    /// <summary>The property, or null when it is absent or JSON null (both mean "use the default").</summary>
    public JsonField? Optional(string name)
    {
        if (!known.Contains(name))
        {
            // A programming error, not a profile problem: the table and the reader must agree.
            throw new InvalidOperationException($"'{name}' is not in the known properties of {Path}; add it to {nameof(ProfileProperties)} and the schema.");
        }

        return element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? new JsonField(value, JsonPath.Property(Path, name), problems)
            : null;
    }

    /// <summary>The property, or null after recording that it is required.</summary>
    public JsonField? Required(string name)
    {
        var field = Optional(name);
        if (field is null)
        {
            problems.Add(JsonPath.Property(Path, name), "is required");
        }

        return field;
    }

    private void ReportUnknownAndDuplicateProperties()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            string path = JsonPath.Property(Path, property.Name);
            if (!seen.Add(property.Name))
            {
                problems.Add(path, "appears more than once");
            }
            else if (!known.Contains(property.Name))
            {
                string? suggestion = NameSuggestion.Closest(property.Name, known);
                problems.Add(path, suggestion is null
                    ? $"unknown property (known here: {string.Join(", ", known.Order(StringComparer.Ordinal))})"
                    : $"unknown property; did you mean '{suggestion}'?");
            }
        }
    }
}
