using System.Text.Json.Nodes;
using Station.Profiles.Tests.Support;

namespace Station.Profiles.Tests;

/// <summary>Each way a profile can be wrong is reported at its exact JSON path, and all of them are reported together.</summary>
public sealed class ProfileProblemTests : IDisposable
{
    private readonly ProfileWorkspace workspace = new();

    public void Dispose() => workspace.Dispose();

    /// <summary>One broken thing in the full sample profile: the change, where the problem is, and words the message must contain.</summary>
    private sealed record Case(Action<JsonObject, ProfileWorkspace> Break, string Path, string Message);

    private static readonly Dictionary<string, Case> s_cases = new()
    {
        ["typo"] = new((p, _) => Rename(p["link"]!, "baudLadder", "baudLader"), "$.link.baudLader", "unknown property; did you mean 'baudLadder'?"),
        ["typo-required-left-missing"] = new((p, _) => Rename(p["link"]!, "baudLadder", "baudLader"), "$.link.baudLadder", "is required"),
        ["wrong-case"] = new((p, _) => Rename(p["retry"]!, "unitAttempts", "UnitAttempts"), "$.retry.UnitAttempts", "did you mean 'unitAttempts'?"),
        ["unknown-no-suggestion"] = new((p, _) => p["colour"] = "red", "$.colour", "unknown property (known here: $schema, after, bootCheck,"),
        ["odd-name-quoted"] = new((p, _) => p["flash"]!["bus width"] = 4, "$.flash['bus width']", "unknown property"),
        ["wrong-type"] = new((p, _) => p["link"]!["initialBaud"] = "fast", "$.link.initialBaud", "must be a whole number, not the string \"fast\""),
        ["wrong-type-object"] = new((p, _) => p["retry"] = 3, "$.retry", "must be an object, not the number 3"),
        ["missing-name"] = new((p, _) => p.Remove("name"), "$.name", "is required"),
        ["null-required"] = new((p, _) => p["chip"] = null, "$.chip", "is required"),
        ["missing-image-sha"] = new((p, _) => p["images"]![1]!.AsObject().Remove("sha256"), "$.images[1].sha256", "is required"),
        ["empty-version"] = new((p, _) => p["version"] = "", "$.version", "must not be empty"),
        ["blank-image-name"] = new((p, _) => p["images"]![0]!["name"] = "  ", "$.images[0].name", "must not be empty"),
        ["unknown-chip"] = new((p, _) => p["chip"] = "esp33", "$.chip", "unknown chip 'esp33' (did you mean 'esp32'?); known chips: esp8266, esp32, esp32s2, esp32s3, esp32c2, esp32c3"),
        ["flash-mode"] = new((p, _) => p["flash"]!["mode"] = "fastread", "$.flash.mode", "flash mode 'fastread' is not one of qio, qout, dio, dout, keep"),
        ["flash-frequency-for-chip"] = new((p, _) => p["chip"] = "esp32c2", "$.flash.frequency", "flash frequency '40m' is not valid for ESP32-C2 (use 60m, 30m, 20m, 15m)"),
        ["flash-size"] = new((p, _) => p["flash"]!["size"] = "3MB", "$.flash.size", "flash size '3MB' is not valid for ESP32"),
        ["flash-size-esp8266-only"] = new((p, _) => p["flash"]!["size"] = "512KB", "$.flash.size", "flash size '512KB' is not valid for ESP32"),
        ["offset-unaligned"] = new((p, _) => p["images"]![1]!["offset"] = "0x10800", "$.images[1].offset", "0x10800 is not a multiple of 0x1000"),
        ["offset-unaligned-integer"] = new((p, _) => p["images"]![1]!["offset"] = 65537, "$.images[1].offset", "0x10001 is not a multiple of 0x1000"),
        ["offset-not-hex"] = new((p, _) => p["images"]![1]!["offset"] = "10000h", "$.images[1].offset", "must be a hex string like \"0x10000\" or a whole number"),
        ["offset-negative"] = new((p, _) => p["images"]![1]!["offset"] = -4096, "$.images[1].offset", "must be a hex string"),
        ["overlap"] = new((p, _) => p["images"]![1]!["offset"] = "0x2000", "$.images[1].offset", "image 'app' (0x2000..0x6FFF) overlaps image 'bootloader' (0x1000..0x2FFF) at $.images[0]"),
        ["duplicate-name"] = new((p, _) => p["images"]![1]!["name"] = "Bootloader", "$.images[1].name", "duplicate image name 'Bootloader' (also $.images[0])"),
        ["past-flash-size"] = new(
            (p, _) => { p["flash"]!["size"] = "1MB"; p["images"]![1]!["offset"] = "0xFE000"; },
            "$.images[1].offset",
            "image 'app' (0xFE000..0x102FFF) runs past the end of the 1MB flash (0x100000 bytes)"),
        ["sha-short"] = new((p, _) => p["images"]![0]!["sha256"] = "abc", "$.images[0].sha256", "must be 64 hex digits"),
        ["sha-not-hex"] = new((p, _) => p["images"]![0]!["sha256"] = new string('g', 64), "$.images[0].sha256", "must be 64 hex digits"),
        ["image-tampered"] = new(
            (p, w) => w.WriteImage("demo-esp32/app.bin", SampleProfiles.AppLength, seed: 42),
            "$.images[1].sha256",
            "app.bin has SHA-256 "),
        ["image-missing"] = new((p, _) => p["images"]![1]!["path"] = "demo-esp32/missing.bin", "$.images[1].path", "missing.bin does not exist"),
        ["image-folder-missing"] = new((p, _) => p["images"]![1]!["path"] = "nowhere/app.bin", "$.images[1].path", "does not exist"),
        ["image-empty"] = new((p, w) => { w.WriteText("empty.bin", ""); p["images"]![1]!["path"] = "empty.bin"; }, "$.images[1].path", "empty.bin is empty"),
        ["images-empty"] = new((p, _) => p["images"] = new JsonArray(), "$.images", "must list at least one image"),
        ["image-not-object"] = new((p, _) => p["images"]![0] = "bootloader.bin", "$.images[0]", "must be an object, not the string \"bootloader.bin\""),
        ["initial-baud-low"] = new((p, _) => p["link"]!["initialBaud"] = 300, "$.link.initialBaud", "must be between 9600 and 8000000, not 300"),
        ["ladder-rung-high"] = new((p, _) => p["link"]!["baudLadder"]![0] = 9_000_000, "$.link.baudLadder[0]", "must be between 9600 and 8000000, not 9000000"),
        ["ladder-empty"] = new((p, _) => p["link"]!["baudLadder"] = new JsonArray(), "$.link.baudLadder", "must list at least one baud"),
        ["ladder-repeats"] = new((p, _) => p["link"]!["baudLadder"] = new JsonArray(2000000, 921600, 921600), "$.link.baudLadder[2]", "921600 must be lower than the rung before it (921600)"),
        ["ladder-ascending"] = new((p, _) => p["link"]!["baudLadder"] = new JsonArray(115200, 921600), "$.link.baudLadder[1]", "must be lower than the rung before it (115200)"),
        ["ladder-not-array"] = new((p, _) => p["link"]!["baudLadder"] = 921600, "$.link.baudLadder", "must be an array"),
        ["compression-unknown"] = new((p, _) => p["link"]!["compression"] = "zopfli", "$.link.compression", "compression 'zopfli' is not one of smallest, fast"),
        ["compression-not-string"] = new((p, _) => p["link"]!["compression"] = 9, "$.link.compression", "must be a string"),
        ["connect-attempts-zero"] = new((p, _) => p["retry"]!["connectAttempts"] = 0, "$.retry.connectAttempts", "must be at least 1, not 0"),
        ["unit-attempts-zero"] = new((p, _) => p["retry"]!["unitAttempts"] = 0, "$.retry.unitAttempts", "must be at least 1, not 0"),
        ["block-retries-negative"] = new((p, _) => p["retry"]!["blockRetries"] = -1, "$.retry.blockRetries", "must be at least 0, not -1"),
        ["region-retries-fraction"] = new((p, _) => p["retry"]!["regionRetries"] = 1.5, "$.retry.regionRetries", "must be a whole number, not 1.5"),
        ["breaker-zero"] = new((p, _) => p["retry"]!["slotBreaker"]!["consecutiveFailures"] = 0, "$.retry.slotBreaker.consecutiveFailures", "must be at least 1"),
        ["breaker-pause-zero"] = new((p, _) => p["retry"]!["slotBreaker"]!["pauseSeconds"] = 0, "$.retry.slotBreaker.pauseSeconds", "must be more than 0"),
        ["timeout-zero"] = new((p, _) => p["retry"]!["timeouts"]!["connectSeconds"] = 0, "$.retry.timeouts.connectSeconds", "must be more than 0 and at most 86400 seconds, not 0"),
        ["timeout-negative"] = new((p, _) => p["retry"]!["timeouts"]!["verifySecondsPerMegabyte"] = -1, "$.retry.timeouts.verifySecondsPerMegabyte", "must be more than 0"),
        ["timeout-huge"] = new((p, _) => p["retry"]!["timeouts"]!["writeBaseSeconds"] = 1e12, "$.retry.timeouts.writeBaseSeconds", "at most 86400 seconds"),
        ["timeout-string"] = new((p, _) => p["retry"]!["timeouts"]!["stubSeconds"] = "15s", "$.retry.timeouts.stubSeconds", "must be a number of seconds, not the string \"15s\""),
        ["reset-strategy-not-string"] = new((p, _) => p["retry"]!["resetStrategies"] = new JsonArray("classic", 3), "$.retry.resetStrategies[1]", "must be a string, not the number 3"),
        ["reset-strategy-empty-name"] = new((p, _) => p["retry"]!["resetStrategies"] = new JsonArray(""), "$.retry.resetStrategies[0]", "must not be empty"),
        ["reset-strategies-empty"] = new((p, _) => p["retry"]!["resetStrategies"] = new JsonArray(), "$.retry.resetStrategies", "must list at least one reset strategy"),
        ["md5-off"] = new((p, _) => p["verification"]!["md5"] = false, "$.verification.md5", "MD5 verification cannot be turned off"),
        ["md5-not-bool"] = new((p, _) => p["verification"]!["md5"] = "yes", "$.verification.md5", "must be true or false"),
        ["skip-matching-not-bool"] = new((p, _) => p["verification"]!["skipMatching"] = 1, "$.verification.skipMatching", "must be true or false"),
        ["after-unknown"] = new((p, _) => p["after"] = "reboot", "$.after", "must be \"run-app\" or \"stay-in-loader\", not \"reboot\""),
        ["after-missing"] = new((p, _) => p.Remove("after"), "$.after", "is required"),
        ["boot-pattern-invalid"] = new((p, _) => p["bootCheck"]!["pattern"] = "App version: (1.0", "$.bootCheck.pattern", "is not a valid .NET regular expression: Invalid pattern 'App version: (1.0' at offset 17. Not enough )'s."),
        ["boot-within-zero"] = new((p, _) => p["bootCheck"]!["withinSeconds"] = 0, "$.bootCheck.withinSeconds", "must be more than 0"),
        ["boot-baud-missing"] = new((p, _) => p["bootCheck"]!.AsObject().Remove("baud"), "$.bootCheck.baud", "is required"),
        ["boot-baud-low"] = new((p, _) => p["bootCheck"]!["baud"] = 1200, "$.bootCheck.baud", "must be between 9600 and 8000000"),
        ["device-data-string"] = new((p, _) => p["deviceData"] = "serials.csv", "$.deviceData", "must be an object"),
        ["schema-not-string"] = new((p, _) => p["$schema"] = 5, "$.$schema", "must be a string"),
    };

    public static TheoryData<string> CaseNames => new(s_cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Validate_OneBrokenThing_ReportsItAtItsPath(string caseName)
    {
        var (breakIt, path, message) = s_cases[caseName];
        var profile = SampleProfiles.Full(workspace);
        breakIt(profile, workspace);

        var problems = ProfileLoader.Validate(workspace.WriteProfile(profile));

        Assert.True(
            problems.Any(p => p.Path == path && p.Message.Contains(message, StringComparison.Ordinal)),
            $"Expected a problem at {path} containing \"{message}\"; got:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
    }

    [Fact]
    public void Validate_SeveralBrokenThings_ReportsEveryOneInDocumentOrder()
    {
        var profile = SampleProfiles.Full(workspace);
        profile["chip"] = "esp33";
        profile["images"]![1]!["sha256"] = "abc";
        Rename(profile["link"]!, "baudLadder", "baudLader");
        profile["retry"]!["connectAttempts"] = 0;
        profile["bootCheck"]!["pattern"] = "(";

        var problems = ProfileLoader.Validate(workspace.WriteProfile(profile));

        Assert.Equal(
            ["$.chip", "$.images[1].sha256", "$.link.baudLader", "$.link.baudLadder", "$.retry.connectAttempts", "$.bootCheck.pattern"],
            problems.Select(p => p.Path));
    }

    [Fact]
    public void Load_BrokenProfile_ThrowsWithEveryProblem()
    {
        var profile = SampleProfiles.Full(workspace);
        profile["version"] = "";
        profile["after"] = "reboot";
        string file = workspace.WriteProfile(profile);

        var error = Assert.Throws<ProfileException>(() => ProfileLoader.Load(file));

        Assert.Equal(file, error.File);
        Assert.Equal(ProfileLoader.Validate(file), error.Problems);
        Assert.Equal(["$.version", "$.after"], error.Problems.Select(p => p.Path));
        Assert.Contains("$.after: must be \"run-app\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownChip_StillChecksTheFlashMode()
    {
        var profile = SampleProfiles.Full(workspace);
        profile["chip"] = "esp99";
        profile["flash"]!["mode"] = "octal";

        var problems = ProfileLoader.Validate(workspace.WriteProfile(profile));

        Assert.Equal(["$.chip", "$.flash.mode"], problems.Select(p => p.Path));
    }

    [Fact]
    public void Validate_DuplicateProperty_IsReportedAtIt()
    {
        string text = workspace.WriteText("dup.json", """{ "name": "a", "name": "b" }""");

        var problems = ProfileLoader.Validate(text);

        Assert.Contains(new ProfileProblem("$.name", "appears more than once"), problems);
    }

    [Fact]
    public void Validate_RootNotAnObject_IsOneProblemAtTheRoot()
    {
        string file = workspace.WriteText("array.json", "[1, 2]");

        Assert.Equal([new ProfileProblem("$", "must be an object, not an array")], ProfileLoader.Validate(file));
    }

    [Fact]
    public void Validate_InvalidJson_GivesTheReadersLineAndPosition()
    {
        string file = workspace.WriteText("broken.json", "{\n  \"name\": \"a\",\n  \"version\" \"1\"\n}");

        var problem = Assert.Single(ProfileLoader.Validate(file));

        Assert.Equal("$", problem.Path);
        Assert.StartsWith("not valid JSON at line 3, position 13: ", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmptyFile_IsInvalidJson()
    {
        string file = workspace.WriteText("empty.json", "");

        var problem = Assert.Single(ProfileLoader.Validate(file));

        Assert.Equal("$", problem.Path);
        Assert.StartsWith("not valid JSON", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingFile_IsAProblemNotAnException()
    {
        string file = workspace.FullPath("nope.json");

        var problem = Assert.Single(ProfileLoader.Validate(file));

        Assert.Equal("$", problem.Path);
        Assert.StartsWith($"cannot read profile file '{file}'", problem.Message, StringComparison.Ordinal);
        Assert.Throws<ProfileException>(() => ProfileLoader.Load(file));
    }

    private static void Rename(JsonNode parent, string from, string to)
    {
        var obj = parent.AsObject();
        var value = obj[from];
        obj.Remove(from);
        obj[to] = value;
    }
}
