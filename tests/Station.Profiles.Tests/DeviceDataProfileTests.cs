using System.Text.Json.Nodes;
using Station.Profiles.Tests.Support;

namespace Station.Profiles.Tests;

public sealed class DeviceDataProfileTests : IDisposable
{
    private readonly ProfileWorkspace workspace = new();

    [Fact]
    public void Load_FullDeviceDataSection_MapsEveryPart()
    {
        workspace.WriteText("certs/ca.pem", "-----BEGIN CERTIFICATE-----\n");
        workspace.WriteText("mfg/config.csv", "device,namespace,,\npsk,data,string\n");
        workspace.WriteText("mfg/master.csv", "psk\nsecret-1\n");
        var json = Profile(new JsonObject
        {
            ["serial"] = new JsonObject { ["product"] = "demo", ["format"] = "SN-{yyyy}{seq:000000}" },
            ["ledger"] = "Host=127.0.0.1;Port=55432;Username=postgres;Database=station",
            ["nvs"] = new JsonObject
            {
                ["offset"] = "0x9000",
                ["size"] = "0x6000",
                ["entries"] = new JsonArray
                {
                    Entry("device", "serial", "string", "{serial}"),
                    Entry("device", "hw_rev", "u8", 3),
                    new JsonObject { ["namespace"] = "cert", ["key"] = "ca", ["type"] = "file", ["encoding"] = "binary", ["value"] = "certs/ca.pem" },
                    new JsonObject { ["namespace"] = "wifi", ["key"] = "psk", ["encoding"] = "string", ["value"] = "{row.psk}", ["secret"] = true },
                },
                ["values"] = new JsonObject { ["config"] = "mfg/config.csv", ["master"] = "mfg/master.csv", ["secretKeys"] = new JsonArray("psk") },
            },
            ["efuse"] = new JsonObject { ["dryRun"] = true, ["userData"] = new JsonObject { ["offset"] = 24, ["text"] = "{date:yyMMdd}" } },
        });

        json["chip"] = "esp32";

        var data = ProfileLoader.Load(workspace.WriteProfile(json)).DeviceData!;

        Assert.Equal(new SerialSettings("demo", "SN-{yyyy}{seq:000000}"), data.Serial);
        Assert.StartsWith("Host=", data.Ledger, StringComparison.Ordinal);
        Assert.Equal((0x9000u, 0x6000u, 2), (data.Nvs!.Offset, data.Nvs.Size, data.Nvs.Version));
        Assert.Equal(["serial", "hw_rev", "ca", "psk"], data.Nvs.Entries.Select(e => e.Key));
        Assert.Equal("3", data.Nvs.Entries[1].Value.Text);
        Assert.Equal(workspace.FullPath("certs/ca.pem"), data.Nvs.Entries[2].FilePath);
        Assert.True(data.Nvs.Entries[3].Secret);
        Assert.Contains("psk", data.Nvs.Values!.SecretKeys);
        Assert.True(data.Efuse!.DryRun);
        Assert.Equal(24, data.Efuse.UserData!.Offset);
    }

    [Fact]
    public void Validate_DeviceDataMistakes_AreEachReportedAtTheirPath()
    {
        var json = Profile(new JsonObject
        {
            ["nvs"] = new JsonObject
            {
                ["offset"] = "0x9100",
                ["size"] = "0x1000",
                ["entries"] = new JsonArray
                {
                    Entry("device", "serial", "string", "{serail}"),
                    Entry("device", "a_key_far_too_long", "u8", 1),
                    Entry("device", "psk", "string", "{row.psk}"),
                    Entry("device", "x", "float", 1),
                    new JsonObject { ["namespace"] = "cert", ["key"] = "ca", ["type"] = "file", ["encoding"] = "binary", ["value"] = "missing.pem" },
                },
            },
            ["efuse"] = new JsonObject { ["userData"] = new JsonObject { ["offset"] = 30, ["hex"] = "01 02 03 04" } },
        });

        var problems = ProfileLoader.Validate(workspace.WriteProfile(json));

        Assert.Contains(problems, p => p.Path == "$.deviceData.nvs.offset" && p.Message.Contains("0x9100", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "$.deviceData.nvs.size" && p.Message.Contains("too small", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "$.deviceData.nvs.entries[0].value" && p.Message.Contains("unknown placeholder {serail}", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "$.deviceData.nvs.entries[1].key" && p.Message.Contains("at most 15", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "$.deviceData.nvs.entries[2].value" && p.Message.Contains("values", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "$.deviceData.nvs.entries[3].encoding");
        Assert.Contains(problems, p => p.Path == "$.deviceData.nvs.entries[4].value" && p.Message.Contains("does not exist", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "$.deviceData.efuse.userData.hex" && p.Message.Contains("past the 32-byte BLOCK3", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "$.deviceData.efuse" && p.Message.Contains("ESP32-C3", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SerialPlaceholderWithoutSerialSection_IsAProblem()
    {
        var json = Profile(new JsonObject
        {
            ["nvs"] = new JsonObject { ["offset"] = "0x9000", ["size"] = "0x6000", ["entries"] = new JsonArray { Entry("device", "serial", "string", "SN {serial}") } },
        });

        var problems = ProfileLoader.Validate(workspace.WriteProfile(json));

        Assert.Contains(problems, p => p.Path == "$.deviceData.serial" && p.Message.Contains("{serial}", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NvsOverlappingAnImage_NamesTheImage()
    {
        var json = Profile(new JsonObject
        {
            ["serial"] = new JsonObject { ["product"] = "p", ["format"] = "{seq}" },
            ["nvs"] = new JsonObject { ["offset"] = "0x10000", ["size"] = "0x6000", ["entries"] = new JsonArray { Entry("device", "mac", "string", "{mac}") } },
        });

        var problems = ProfileLoader.Validate(workspace.WriteProfile(json));

        Assert.Contains(problems, p => p.Path == "$.deviceData.nvs.offset" && p.Message.Contains("overlaps image 'app'", StringComparison.Ordinal));
    }

    public void Dispose() => workspace.Dispose();

    private JsonObject Profile(JsonObject deviceData)
    {
        var json = SampleProfiles.Minimal(workspace);
        json["deviceData"] = deviceData;
        return json;
    }

    private static JsonObject Entry(string ns, string key, string encoding, JsonNode value) =>
        new() { ["namespace"] = ns, ["key"] = key, ["encoding"] = encoding, ["value"] = value };
}
