using System.Text.Json.Nodes;

namespace Station.Profiles.Tests.Support;

/// <summary>Valid profiles whose images exist in a workspace; tests break one thing at a time.</summary>
internal static class SampleProfiles
{
    public const int BootloaderLength = 0x2000;
    public const int AppLength = 0x5000;

    /// <summary>Every section given, with values that differ from the defaults so the mapping is visible.</summary>
    public static JsonObject Full(ProfileWorkspace workspace)
    {
        string bootloaderSha = workspace.WriteImage("demo-esp32/bootloader.bin", BootloaderLength, seed: 1);
        string appSha = workspace.WriteImage("demo-esp32/app.bin", AppLength, seed: 2);
        return new JsonObject
        {
            ["$schema"] = "./profile.schema.json",
            ["name"] = "demo-esp32",
            ["version"] = "1.0.0",
            ["chip"] = "esp32",
            ["flash"] = new JsonObject { ["mode"] = "dio", ["frequency"] = "40m", ["size"] = "4MB" },
            ["images"] = new JsonArray
            {
                new JsonObject { ["name"] = "bootloader", ["offset"] = "0x1000", ["path"] = "demo-esp32/bootloader.bin", ["sha256"] = bootloaderSha },
                new JsonObject { ["name"] = "app", ["offset"] = "0x10000", ["path"] = "demo-esp32/app.bin", ["sha256"] = appSha },
            },
            ["link"] = new JsonObject { ["initialBaud"] = 115200, ["baudLadder"] = new JsonArray(2000000, 921600, 460800, 115200) },
            ["retry"] = new JsonObject
            {
                ["connectAttempts"] = 5,
                ["resetStrategies"] = new JsonArray("classic", "usb-jtag-serial"),
                ["blockRetries"] = 4,
                ["regionRetries"] = 1,
                ["unitAttempts"] = 3,
                ["slotBreaker"] = new JsonObject { ["consecutiveFailures"] = 4, ["pauseSeconds"] = 45 },
                ["timeouts"] = new JsonObject
                {
                    ["connectSeconds"] = 31, ["identifySeconds"] = 11, ["stubSeconds"] = 16, ["writeBaseSeconds"] = 12,
                    ["writeSecondsPerMegabyte"] = 121, ["verifyBaseSeconds"] = 6, ["verifySecondsPerMegabyte"] = 10.5, ["resetSeconds"] = 2.5,
                },
            },
            ["verification"] = new JsonObject { ["md5"] = true },
            ["after"] = "run-app",
            ["bootCheck"] = new JsonObject { ["baud"] = 115200, ["pattern"] = @"App version:\s+1\.0\.0", ["withinSeconds"] = 5 },
            ["deviceData"] = null,
        };
    }

    /// <summary>Only the required properties.</summary>
    public static JsonObject Minimal(ProfileWorkspace workspace)
    {
        string appSha = workspace.WriteImage("app.bin", AppLength);
        return new JsonObject
        {
            ["name"] = "minimal",
            ["version"] = "0.1",
            ["chip"] = "esp32c3",
            ["images"] = new JsonArray { new JsonObject { ["name"] = "app", ["offset"] = 65536, ["path"] = "app.bin", ["sha256"] = appSha } },
            ["link"] = new JsonObject { ["initialBaud"] = 115200, ["baudLadder"] = new JsonArray(921600) },
            ["after"] = "stay-in-loader",
        };
    }
}
