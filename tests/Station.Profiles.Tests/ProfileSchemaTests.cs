using System.Text.Json.Nodes;
using Station.Profiles.Reading;
using Station.Profiles.Tests.Support;
using Station.Protocol.Chips;

namespace Station.Profiles.Tests;

/// <summary>profiles/profile.schema.json is the engineers' documentation: it must not drift from what the loader accepts.</summary>
public sealed class ProfileSchemaTests
{
    private static readonly JsonObject s_schema = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "profiles", "profile.schema.json")))!.AsObject();

    [Fact]
    public void Schema_PropertiesPerObject_MatchTheLoadersTable()
    {
        var schemaObjects = ObjectsWithProperties(s_schema, "$").ToDictionary(o => o.Path, o => o.Names.Order(StringComparer.Ordinal).ToList());
        var loaderObjects = ProfileProperties.ByObject.ToDictionary(o => o.Key, o => o.Value.Order(StringComparer.Ordinal).ToList());

        Assert.Equal(loaderObjects.Keys.Order(StringComparer.Ordinal), schemaObjects.Keys.Order(StringComparer.Ordinal));
        Assert.All(loaderObjects, o => Assert.Equal(o.Value, schemaObjects[o.Key]));
    }

    [Fact]
    public void Schema_EveryProperty_HasADescription()
    {
        var undocumented = AllProperties(s_schema, "$").Where(p => p.Schema["description"] is null).Select(p => p.Path).ToList();

        Assert.Empty(undocumented);
    }

    [Fact]
    public void Schema_EveryObject_RejectsUnknownPropertiesLikeTheLoader()
    {
        var open = ObjectsWithProperties(s_schema, "$").Where(o => o.Schema["additionalProperties"]?.GetValue<bool>() != false).Select(o => o.Path);

        Assert.Empty(open);
    }

    [Fact]
    public void Schema_RetryDefaults_AreTheModelsDefaults()
    {
        using var workspace = new ProfileWorkspace();
        var json = SampleProfiles.Minimal(workspace);
        json["retry"] = DefaultsOf(Property(s_schema, "retry"));

        var profile = ProfileLoader.Load(workspace.WriteProfile(json));

        var defaults = new RetryPolicy();
        Assert.Equal(defaults.ResetStrategies, profile.Retry.ResetStrategies);
        Assert.Equal(defaults, profile.Retry with { ResetStrategies = defaults.ResetStrategies });
        Assert.Equal(8, ((JsonObject)json["retry"]!["timeouts"]!).Count);
    }

    [Fact]
    public void Schema_ChipEnum_IsTheCatalogue()
    {
        var chips = Property(s_schema, "chip")["enum"]!.AsArray().Select(n => (string)n!);

        Assert.Equal(ChipCatalogue.All.Select(c => c.Key), chips);
    }

    [Fact]
    public void Schema_FlashEnums_CoverEveryChipsTables()
    {
        var flash = Property(s_schema, "flash");
        static HashSet<string> Enum(JsonNode node) => node["enum"]!.AsArray().Where(n => n is not null).Select(n => (string)n!).ToHashSet();

        Assert.Equal([.. FlashCodes.Modes.Keys, "keep"], Enum(Property(flash, "mode")));
        Assert.Equal([.. ChipCatalogue.All.SelectMany(c => c.FlashFrequencies.Keys), "keep"], Enum(Property(flash, "frequency")));
        Assert.Equal([.. ChipCatalogue.All.SelectMany(c => c.FlashSizes.Keys), "keep"], Enum(Property(flash, "size")));
    }

    [Fact]
    public void Readme_Example_IsAValidProfile()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "profiles", "README.md"));
        int start = readme.IndexOf("```json", StringComparison.Ordinal) + "```json".Length;
        string example = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
        using var workspace = new ProfileWorkspace();
        // The example pins the SHA-256 of each image's own name, so its files can be recreated here.
        foreach (var image in JsonNode.Parse(example)!["images"]!.AsArray())
        {
            workspace.WriteText((string)image!["path"]!, (string)image["name"]!);
        }

        var problems = ProfileLoader.Validate(workspace.WriteText("example.json", example));

        Assert.Empty(problems);
    }

    /// <summary>Every object schema that lists properties, by location ("[]" for array items), as the loader's table names them.</summary>
    private static IEnumerable<(string Path, JsonObject Schema, IEnumerable<string> Names)> ObjectsWithProperties(JsonObject schema, string path)
    {
        if (schema["properties"] is JsonObject properties)
        {
            yield return (path, schema, properties.Select(p => p.Key));
            foreach (var (name, child) in properties)
            {
                foreach (var nested in ObjectsWithProperties(child!.AsObject(), $"{path}.{name}"))
                {
                    yield return nested;
                }
            }
        }

        if (schema["items"] is JsonObject items)
        {
            foreach (var nested in ObjectsWithProperties(items, path + "[]"))
            {
                yield return nested;
            }
        }
    }

    private static IEnumerable<(string Path, JsonObject Schema)> AllProperties(JsonObject schema, string path) =>
        ObjectsWithProperties(schema, path).SelectMany(o => ((JsonObject)o.Schema["properties"]!).Select(p => ($"{o.Path}.{p.Key}", p.Value!.AsObject())));

    private static JsonObject Property(JsonNode schema, string name) => schema["properties"]![name]!.AsObject();

    /// <summary>An instance built from the schema's "default" values, recursing into objects.</summary>
    private static JsonObject DefaultsOf(JsonObject schema)
    {
        var instance = new JsonObject();
        foreach (var (name, child) in (JsonObject)schema["properties"]!)
        {
            if (child!["default"] is { } value)
            {
                instance[name] = value.DeepClone();
            }
            else if (child["properties"] is not null)
            {
                instance[name] = DefaultsOf(child.AsObject());
            }
        }

        return instance;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Station.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (Station.sln) above the test binaries.");
    }
}
