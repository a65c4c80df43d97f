using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Station.Profiles.Tests.Support;
using Station.Protocol.Chips;
using Station.Protocol.Images;

namespace Station.Profiles.Tests;

/// <summary>Valid profiles become the model the line runs on: every field mapped, absent ones defaulted from the model.</summary>
public sealed class ProfileLoaderTests : IDisposable
{
    private readonly ProfileWorkspace workspace = new();

    public void Dispose() => workspace.Dispose();

    [Fact]
    public void Load_FullProfile_MapsEveryField()
    {
        var json = SampleProfiles.Full(workspace);
        string file = workspace.WriteProfile(json);

        var profile = ProfileLoader.Load(file);

        Assert.Equal("demo-esp32", profile.Name);
        Assert.Equal("1.0.0", profile.Version);
        Assert.Same(ChipCatalogue.Esp32, profile.Chip);
        Assert.Equal(new FlashSettings("dio", "40m", "4MB"), profile.Flash);
        Assert.Equal(
            [
                new ProfileImage("bootloader", 0x1000, workspace.FullPath("demo-esp32/bootloader.bin"), (string)json["images"]![0]!["sha256"]!),
                new ProfileImage("app", 0x10000, workspace.FullPath("demo-esp32/app.bin"), (string)json["images"]![1]!["sha256"]!),
            ],
            profile.Images);
        Assert.Equal(115200, profile.Link.InitialBaud);
        Assert.Equal([2000000, 921600, 460800, 115200], profile.Link.BaudLadder);
        Assert.Equal(5, profile.Retry.ConnectAttempts);
        Assert.Equal(["classic", "usb-jtag-serial"], profile.Retry.ResetStrategies);
        Assert.Equal(4, profile.Retry.BlockRetries);
        Assert.Equal(1, profile.Retry.RegionRetries);
        Assert.Equal(3, profile.Retry.UnitAttempts);
        Assert.Equal(4, profile.Retry.SlotBreakerFailures);
        Assert.Equal(TimeSpan.FromSeconds(45), profile.Retry.SlotBreakerPause);
        Assert.Equal(
            new StepTimeouts
            {
                Connect = TimeSpan.FromSeconds(31), Identify = TimeSpan.FromSeconds(11), Stub = TimeSpan.FromSeconds(16),
                WriteBase = TimeSpan.FromSeconds(12), WritePerMegabyte = TimeSpan.FromSeconds(121),
                VerifyBase = TimeSpan.FromSeconds(6), VerifyPerMegabyte = TimeSpan.FromSeconds(10.5), Reset = TimeSpan.FromSeconds(2.5),
            },
            profile.Retry.Timeouts);
        Assert.Equal(AfterFlash.RunApp, profile.After);
        Assert.Equal(new BootCheck(115200, @"App version:\s+1\.0\.0", TimeSpan.FromSeconds(5)), profile.BootCheck);
        Assert.Null(profile.DeviceData);
        Assert.Equal(file, profile.SourcePath);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))), profile.Sha256);
    }

    [Fact]
    public void Load_MinimalProfile_TakesEveryDefaultFromTheModel()
    {
        string file = workspace.WriteProfile(SampleProfiles.Minimal(workspace));

        var profile = ProfileLoader.Load(file);

        var defaults = new RetryPolicy();
        Assert.Equal(defaults.ResetStrategies, profile.Retry.ResetStrategies);
        Assert.Equal(defaults, profile.Retry with { ResetStrategies = defaults.ResetStrategies });
        Assert.Equal(FlashSettings.Keep, profile.Flash);
        Assert.Null(profile.BootCheck);
        Assert.Null(profile.DeviceData);
        Assert.Equal(AfterFlash.StayInLoader, profile.After);
        Assert.Equal(0x10000u, profile.Images[0].Offset);
    }

    [Fact]
    public void Load_PartialRetrySection_DefaultsTheRest()
    {
        var json = SampleProfiles.Minimal(workspace);
        json["retry"] = new JsonObject { ["unitAttempts"] = 1, ["timeouts"] = new JsonObject { ["resetSeconds"] = 1 } };

        var profile = ProfileLoader.Load(workspace.WriteProfile(json));

        var defaults = new RetryPolicy();
        Assert.Equal(1, profile.Retry.UnitAttempts);
        Assert.Equal(defaults.ConnectAttempts, profile.Retry.ConnectAttempts);
        Assert.Equal(defaults.Timeouts with { Reset = TimeSpan.FromSeconds(1) }, profile.Retry.Timeouts);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Load_VerificationSkipMatching_IsOffUnlessAskedFor(bool? skipMatching, bool expected)
    {
        var json = SampleProfiles.Full(workspace);
        if (skipMatching is { } value)
        {
            json["verification"]!["skipMatching"] = value;
        }

        var profile = ProfileLoader.Load(workspace.WriteProfile(json));

        Assert.Equal(expected, profile.SkipMatchingRegions);
    }

    [Theory]
    [InlineData(null, ImageCompression.Smallest)]
    [InlineData("smallest", ImageCompression.Smallest)]
    [InlineData("fast", ImageCompression.Fast)]
    [InlineData("Fast", ImageCompression.Fast)]
    public void Load_LinkCompression_IsSmallestUnlessFastIsAskedFor(string? compression, ImageCompression expected)
    {
        var json = SampleProfiles.Full(workspace);
        if (compression is not null)
        {
            json["link"]!["compression"] = compression;
        }

        var profile = ProfileLoader.Load(workspace.WriteProfile(json));

        Assert.Equal(expected, profile.Link.Compression);
    }

    [Fact]
    public void Load_FlashPartsKeepOrNull_MeanKeep()
    {
        var json = SampleProfiles.Full(workspace);
        json["flash"] = new JsonObject { ["mode"] = "keep", ["frequency"] = null, ["size"] = "KEEP" };

        var profile = ProfileLoader.Load(workspace.WriteProfile(json));

        Assert.True(profile.Flash.KeepsAll);
    }

    [Fact]
    public void Load_ChipDisplayNameAndUpperCaseHash_AreAccepted()
    {
        var json = SampleProfiles.Full(workspace);
        json["chip"] = "ESP32";
        string sha = (string)json["images"]![1]!["sha256"]!;
        json["images"]![1]!["sha256"] = sha.ToUpperInvariant();

        var profile = ProfileLoader.Load(workspace.WriteProfile(json));

        Assert.Same(ChipCatalogue.Esp32, profile.Chip);
        Assert.Equal(sha, profile.Images[1].Sha256);
    }

    [Fact]
    public void Load_ImagePaths_ResolveAgainstTheProfileFolderNotTheWorkingDirectory()
    {
        string sha = workspace.WriteImage("line-7/images/app.bin", 0x1000);
        var json = SampleProfiles.Minimal(workspace);
        json["images"] = new JsonArray { new JsonObject { ["name"] = "app", ["offset"] = "0x10000", ["path"] = "images/app.bin", ["sha256"] = sha } };
        string file = workspace.WriteProfile(json, "line-7/profile.json");

        var profile = ProfileLoader.Load(file);

        Assert.Equal(workspace.FullPath("line-7/images/app.bin"), profile.Images[0].Path);
        Assert.NotEqual(Path.GetFullPath("images/app.bin"), profile.Images[0].Path);
    }

    [Fact]
    public void Load_ParentRelativeImagePath_Resolves()
    {
        string sha = workspace.WriteImage("shared/app.bin", 0x1000);
        var json = SampleProfiles.Minimal(workspace);
        json["images"] = new JsonArray { new JsonObject { ["name"] = "app", ["offset"] = "0x10000", ["path"] = "../shared/app.bin", ["sha256"] = sha } };

        var profile = ProfileLoader.Load(workspace.WriteProfile(json, "profiles/p.json"));

        Assert.Equal(workspace.FullPath("shared/app.bin"), profile.Images[0].Path);
    }

    [Fact]
    public void Load_CommentsTrailingCommasAndByteOrderMark_AreAccepted()
    {
        string sha = workspace.WriteImage("app.bin", 0x1000);
        string text = "\uFEFF" + $$"""
            {
              // Line 3 boards: the CH340 needs the slow reset.
              "name": "annotated", "version": "2", "chip": "esp32s3",
              "images": [ { "name": "app", "offset": "0x10000", "path": "app.bin", "sha256": "{{sha}}", }, ],
              "link": { "initialBaud": 115200, "baudLadder": [460800] },
              "after": "run-app",
            }
            """;

        var profile = ProfileLoader.Load(workspace.WriteText("annotated.json", text));

        Assert.Equal("annotated", profile.Name);
    }

    [Fact]
    public void Validate_ValidProfile_ReportsNothing()
    {
        string file = workspace.WriteProfile(SampleProfiles.Full(workspace));

        Assert.Empty(ProfileLoader.Validate(file));
    }

    [Fact]
    public void Load_ImagesTouchingEndToEnd_DoNotOverlap()
    {
        var json = SampleProfiles.Full(workspace);
        json["images"]![1]!["offset"] = $"0x{0x1000 + SampleProfiles.BootloaderLength:X}";

        Assert.Empty(ProfileLoader.Validate(workspace.WriteProfile(json)));
    }
}
