using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Station.Profiles.Tests.Fuzz;

/// <summary>What one edit does to the node at <see cref="ProfileEdit.Path"/>.</summary>
internal enum EditKind
{
    /// <summary>The value becomes <see cref="ProfileEdit.Raw"/> (JSON text written as is).</summary>
    Replace,

    /// <summary>The property or array item goes.</summary>
    Remove,

    /// <summary>The object gains property <see cref="ProfileEdit.Name"/> with value <see cref="ProfileEdit.Raw"/>.</summary>
    Add,

    /// <summary>The property appears twice (the second time with <see cref="ProfileEdit.Raw"/>), or the array item twice.</summary>
    Duplicate,
}

/// <summary>One structural edit of a profile's JSON tree, addressed by the loader's own path syntax.</summary>
internal sealed partial record ProfileEdit(EditKind Kind, string Path, string? Raw = null, string? Name = null)
{
    /// <summary>Stands in for a property name that cannot pass through the writer (a lone surrogate), swapped in afterwards.</summary>
    public const string RawNamePlaceholder = "RAW-NAME-PLACEHOLDER";

    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>The loader's path syntax: plain names after a dot, anything else quoted in brackets, items by index.</summary>
    public static string PropertyPath(string parent, string name) =>
        PlainName().IsMatch(name) ? $"{parent}.{name}" : $"{parent}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    /// <summary>The tree written back out with this edit applied, as UTF-8.</summary>
    public byte[] ApplyTo(JsonNode root, string? rawName = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Indented))
        {
            Write(writer, root, "$");
        }

        string text = Encoding.UTF8.GetString(buffer.ToArray());
        return Encoding.UTF8.GetBytes(rawName is null ? text : text.Replace($"\"{RawNamePlaceholder}\"", rawName, StringComparison.Ordinal));
    }

    public override string ToString() => $"{Kind} {Path}{(Name is null ? "" : $" name {Name}")}{(Raw is null ? "" : $" = {(Raw.Length > 80 ? Raw[..77] + "..." : Raw)}")}";

    private void Write(Utf8JsonWriter writer, JsonNode? node, string path)
    {
        if (Kind == EditKind.Replace && path == Path)
        {
            writer.WriteRawValue(Raw!, skipInputValidation: true);
            return;
        }

        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, child) in obj)
                {
                    string childPath = PropertyPath(path, name);
                    if (Kind == EditKind.Remove && childPath == Path)
                    {
                        continue;
                    }

                    writer.WritePropertyName(name);
                    Write(writer, child, childPath);
                    if (Kind == EditKind.Duplicate && childPath == Path)
                    {
                        writer.WritePropertyName(name);
                        writer.WriteRawValue(Raw!, skipInputValidation: true);
                    }
                }

                if (Kind == EditKind.Add && path == Path)
                {
                    writer.WritePropertyName(Name!);
                    writer.WriteRawValue(Raw!, skipInputValidation: true);
                }

                writer.WriteEndObject();
                break;

            case JsonArray array:
                writer.WriteStartArray();
                for (int i = 0; i < array.Count; i++)
                {
                    string itemPath = $"{path}[{i}]";
                    if (Kind == EditKind.Remove && itemPath == Path)
                    {
                        continue;
                    }

                    Write(writer, array[i], itemPath);
                    if (Kind == EditKind.Duplicate && itemPath == Path)
                    {
                        Write(writer, array[i], itemPath);
                    }
                }

                writer.WriteEndArray();
                break;

            case null:
                writer.WriteNullValue();
                break;

            default:
                node.WriteTo(writer);
                break;
        }
    }

    [GeneratedRegex(@"^[A-Za-z_$][A-Za-z0-9_$]*$")]
    private static partial Regex PlainName();
}
