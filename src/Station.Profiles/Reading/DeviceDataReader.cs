using Station.DeviceData.Templates;
using Station.Protocol.Chips;

namespace Station.Profiles.Reading;

/// <summary>
/// Reads <c>$.deviceData</c>: serial numbering, the ledger connection, the NVS partition and its
/// entries (templates checked here, so a typo in a placeholder is a profile problem, not a unit failure),
/// mass-manufacturing input files, and eFuse burns.
/// </summary>
internal sealed class DeviceDataReader(string profileDirectory, ProblemList problems)
{
    /// <summary>The NVS library's smallest useful partition: three 4 KiB pages.</summary>
    private const uint MinNvsSize = 0x3000;

    private const long AddressSpace = 0x1_0000_0000;

    private static readonly HashSet<string> Encodings = new(StringComparer.Ordinal)
    {
        "u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64", "string", "hex2bin", "base64", "binary",
    };

    /// <param name="flashSize">The profile's flash size in bytes, or null when it keeps the image's own.</param>
    public DeviceDataSettings? Read(JsonField? field, ChipSpec? chip, IReadOnlyList<ProfileImage>? images, uint? flashSize, string? flashSizeName)
    {
        var data = field?.AsObject(ProfileProperties.DeviceData);
        if (data is null)
        {
            return null;
        }

        var serial = ReadSerial(data.Optional("serial"));
        string? ledger = data.Optional("ledger")?.AsString();
        var nvs = ReadNvs(data.Optional("nvs"), images, flashSize, flashSizeName);
        var efuse = ReadEfuse(data.Optional("efuse"), chip);
        bool usesSerial = (nvs?.Entries.Any(e => e.Value.UsesSerial) ?? false) || (efuse?.UserData?.Text?.UsesSerial ?? false);
        if (serial is null && data.Optional("serial") is null && (usesSerial || data.Optional("nvs") is not null || data.Optional("efuse") is not null))
        {
            problems.Add(JsonPath.Property(data.Path, "serial"), usesSerial
                ? "is required: a value uses {serial}"
                : "is required with nvs or efuse: the ledger keeps each unit's per-device data under its product and MAC");
        }

        return new DeviceDataSettings { Serial = serial, Ledger = ledger, Nvs = nvs, Efuse = efuse };
    }

    private static SerialSettings? ReadSerial(JsonField? field)
    {
        var serial = field?.AsObject(ProfileProperties.Serial);
        if (serial is null)
        {
            return null;
        }

        string? product = serial.Required("product")?.AsString();
        string? format = serial.Required("format")?.AsString();
        return product is null || format is null ? null : new SerialSettings(product, format);
    }

    private NvsSettings? ReadNvs(JsonField? field, IReadOnlyList<ProfileImage>? images, uint? flashSize, string? flashSizeName)
    {
        var nvs = field?.AsObject(ProfileProperties.Nvs);
        if (nvs is null)
        {
            return null;
        }

        uint? offset = ImageListReader.ReadOffset(nvs.Required("offset"));
        uint? size = ReadSize(nvs.Required("size"));
        int version = nvs.Optional("version")?.AsInt(min: 1, max: 2) ?? 2;
        var values = ReadValues(nvs.Optional("values"));
        var entries = ReadEntries(nvs.Optional("entries"), values is not null);
        if (entries is not null && entries.Count == 0 && values is null)
        {
            problems.Add(JsonPath.Property(nvs.Path, "entries"), "is empty and there is no values input: the partition would hold nothing");
        }

        if (offset is { } at && size is { } length)
        {
            // In 64 bits: an offset near 4 GiB plus the size must not wrap round to a small, harmless-looking end.
            long end = (long)at + length;
            if (end > (flashSize ?? AddressSpace))
            {
                problems.Add(JsonPath.Property(nvs.Path, "offset"), flashSize is { } bytes
                    ? $"the NVS partition 0x{at:X}..0x{end:X} runs past the end of the {flashSizeName} flash (0x{bytes:X} bytes)"
                    : $"the NVS partition 0x{at:X}..0x{end:X} runs past the end of the 32-bit flash address space");
            }

            foreach (var image in images ?? [])
            {
                long imageEnd = image.Offset + (File.Exists(image.Path) ? new FileInfo(image.Path).Length : 0);
                if (at < imageEnd && image.Offset < end)
                {
                    problems.Add(JsonPath.Property(nvs.Path, "offset"),
                        $"the NVS partition 0x{at:X}..0x{end:X} overlaps image '{image.Name}' at 0x{image.Offset:X}..0x{imageEnd:X}");
                }
            }
        }

        return offset is null || size is null || entries is null
            ? null
            : new NvsSettings { Offset = offset.Value, Size = size.Value, Version = version, Entries = entries, Values = values };
    }

    private static uint? ReadSize(JsonField? field)
    {
        uint? size = ImageListReader.ReadOffset(field);
        if (size is { } bytes && bytes < MinNvsSize)
        {
            field!.Value.Problem($"0x{bytes:X} is too small: an NVS partition needs at least 0x{MinNvsSize:X} bytes (3 pages)");
            return null;
        }

        return size;
    }

    private List<NvsValue>? ReadEntries(JsonField? field, bool hasRows)
    {
        if (field is null)
        {
            return [];
        }

        var items = field.Value.AsArray();
        if (items is null)
        {
            return null;
        }

        var entries = new List<NvsValue>();
        var seen = new HashSet<(string, string)>();
        foreach (var item in items)
        {
            var entry = item.AsObject(ProfileProperties.NvsEntry);
            if (entry is null)
            {
                continue;
            }

            string? ns = Name(entry.Required("namespace"));
            string? key = Name(entry.Required("key"));
            string type = entry.Optional("type")?.AsString() ?? "data";
            string? encoding = entry.Required("encoding")?.AsString();
            var valueField = entry.Required("value");
            bool secret = entry.Optional("secret")?.AsBool() ?? false;
            if (type is not ("data" or "file"))
            {
                problems.Add(JsonPath.Property(entry.Path, "type"), $"must be \"data\" or \"file\", not \"{type}\"");
                continue;
            }

            if (encoding is not null && !Encodings.Contains(encoding))
            {
                problems.Add(JsonPath.Property(entry.Path, "encoding"), $"\"{encoding}\" is not an NVS encoding ({string.Join(", ", Encodings.Order(StringComparer.Ordinal))})");
                continue;
            }

            if (ns is not null && key is not null && !seen.Add((ns, key)))
            {
                problems.Add(entry.Path, $"key '{key}' appears twice in namespace '{ns}'");
            }

            var value = Template(valueField, hasRows);
            string? filePath = null;
            if (type == "file" && value is not null)
            {
                if (value.Placeholders.Count > 0)
                {
                    valueField!.Value.Problem("a file path cannot contain placeholders");
                }
                else
                {
                    filePath = ProfileRelativePath.Resolve(valueField!.Value, value.Text, profileDirectory);
                    if (filePath is not null && !File.Exists(filePath))
                    {
                        valueField!.Value.Problem($"file {filePath} does not exist");
                    }
                }
            }

            if (ns is not null && key is not null && encoding is not null && value is not null)
            {
                entries.Add(new NvsValue(ns, key, type, encoding, value, secret, filePath));
            }
        }

        return entries;
    }

    private MassManufacturingValues? ReadValues(JsonField? field)
    {
        var values = field?.AsObject(ProfileProperties.NvsValues);
        if (values is null)
        {
            return null;
        }

        string? config = ExistingFile(values.Required("config"));
        string? master = ExistingFile(values.Required("master"));
        var secrets = values.Optional("secretKeys")?.AsArray()?.Select(item => item.AsString()).OfType<string>().ToHashSet(StringComparer.Ordinal)
            ?? [];
        return config is null || master is null ? null : new MassManufacturingValues(config, master, secrets);
    }

    private EfuseSettings? ReadEfuse(JsonField? field, ChipSpec? chip)
    {
        var efuse = field?.AsObject(ProfileProperties.Efuse);
        if (efuse is null)
        {
            return null;
        }

        if (chip is not null && chip.Kind != ChipKind.Esp32)
        {
            field!.Value.Problem($"eFuse burns are supported on the ESP32 so far, not on the {chip.Name}");
        }

        bool dryRun = efuse.Optional("dryRun")?.AsBool() ?? false;
        var customMac = Template(efuse.Optional("customMac"), hasRows: true);
        EfuseUserData? userData = null;
        if (efuse.Optional("userData")?.AsObject(ProfileProperties.EfuseUserData) is { } user)
        {
            int? offset = user.Required("offset")?.AsInt(min: 0, max: 31);
            var text = Template(user.Optional("text"), hasRows: true);
            byte[]? bytes = Hex(user.Optional("hex"));
            if ((text is null) == (bytes is null))
            {
                problems.Add(user.Path, "give exactly one of \"text\" or \"hex\"");
            }
            else if (offset is { } at && bytes is not null && at + bytes.Length > 32)
            {
                problems.Add(JsonPath.Property(user.Path, "hex"), $"{bytes.Length} bytes at offset {at} run past the 32-byte BLOCK3");
            }

            userData = offset is { } o && (text is not null || bytes is not null) ? new EfuseUserData(o, text, bytes) : null;
        }

        if (userData is null && customMac is null && problems.Count == 0)
        {
            problems.Add(efuse.Path, "names nothing to burn: add \"userData\" and/or \"customMac\"");
        }

        return new EfuseSettings { DryRun = dryRun, UserData = userData, CustomMac = customMac };
    }

    private static byte[]? Hex(JsonField? field)
    {
        string? text = field?.AsString();
        if (text is null)
        {
            return null;
        }

        try
        {
            return Convert.FromHexString(text.Replace(" ", "", StringComparison.Ordinal));
        }
        catch (FormatException)
        {
            field!.Value.Problem("must be hexadecimal bytes, e.g. \"53 4E 30 31\"");
            return null;
        }
    }

    private static ValueTemplate? Template(JsonField? field, bool hasRows)
    {
        if (field is not { } value)
        {
            return null;
        }

        // Numbers are allowed for integer values ("value": 3); everything becomes template text.
        string? text = value.Value.ValueKind == System.Text.Json.JsonValueKind.Number
            ? value.Value.GetRawText()
            : value.AsString();
        if (text is null)
        {
            return null;
        }

        try
        {
            var template = ValueTemplate.Parse(text);
            if (!hasRows && template.RowColumns.Count > 0)
            {
                value.Problem($"uses {{row.{template.RowColumns[0]}}} but deviceData.nvs.values (the mass-manufacturing input) is not set");
            }

            return template;
        }
        catch (TemplateException e)
        {
            value.Problem(e.Message);
            return null;
        }
    }

    private static string? Name(JsonField? field)
    {
        string? name = field?.AsString();
        if (name is { Length: > 15 })
        {
            field!.Value.Problem($"'{name}' is {name.Length} characters; NVS keys and namespaces are at most 15");
            return null;
        }

        return name;
    }

    private string? ExistingFile(JsonField? field)
    {
        string? relative = field?.AsString();
        if (relative is null)
        {
            return null;
        }

        string? path = ProfileRelativePath.Resolve(field!.Value, relative, profileDirectory);
        if (path is null)
        {
            return null;
        }

        if (!File.Exists(path))
        {
            field!.Value.Problem($"file {path} does not exist");
            return null;
        }

        return path;
    }

}
