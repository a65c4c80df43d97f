using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Station.Traceability.Json;

/// <summary>
/// JSON settings for unit records: camelCase members, indented, nulls left out, results upper-case as
/// in the CSV (<c>"PASS"</c>, <c>"FAIL"</c>, <c>"INTERRUPTED"</c>), region addresses as <c>"0x10000"</c>
/// strings. Step names (dictionary keys) are kept as recorded. Everything round-trips.
/// </summary>
public static class UnitRecordJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            WriteIndented = true,
            IndentSize = 2,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // Files, not HTML: keep '+' in "+00:00" and non-ASCII text readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { AddressesAsHex } },
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false));
        options.MakeReadOnly();
        return options;
    }

    // Attached here rather than on RegionRecord so the record contract stays free of JSON concerns.
    private static void AddressesAsHex(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Type != typeof(RegionRecord))
        {
            return;
        }

        foreach (var property in typeInfo.Properties.Where(p => p.Name == "address"))
        {
            property.CustomConverter = new HexAddressConverter();
        }
    }

    /// <summary>Writes <c>"0x10000"</c>; reads that or a plain number.</summary>
    private sealed class HexAddressConverter : JsonConverter<uint>
    {
        public override uint Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Number)
            {
                return reader.GetUInt32();
            }

            string? text = reader.GetString();
            if (text is not null && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                && uint.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint address))
            {
                return address;
            }

            throw new JsonException($"'{text}' is not an address like \"0x10000\".");
        }

        public override void Write(Utf8JsonWriter writer, uint value, JsonSerializerOptions options) =>
            writer.WriteStringValue($"0x{value:X}");
    }
}
