using System.Security.Cryptography;
using Station.Profiles.Tests.Support;

namespace Station.Profiles.Tests;

/// <summary>A job flashes exactly the bytes the profile pins, read once; any other file refuses the whole job.</summary>
public sealed class ProfileImagesTests : IDisposable
{
    private readonly ProfileWorkspace workspace = new();

    public void Dispose() => workspace.Dispose();

    [Fact]
    public async Task LoadAsync_PinnedFiles_ReturnsTheirBytesWithTheirImages()
    {
        var profile = ProfileLoader.Load(workspace.WriteProfile(SampleProfiles.Full(workspace)));

        var loaded = await ProfileImages.LoadAsync(profile, CancellationToken.None);

        Assert.Equal(profile.Images, loaded.Select(l => l.Image));
        Assert.Equal(File.ReadAllBytes(workspace.FullPath("demo-esp32/bootloader.bin")), loaded[0].Bytes);
        Assert.All(loaded, l => Assert.Equal(l.Image.Sha256, Convert.ToHexStringLower(SHA256.HashData(l.Bytes))));
    }

    [Fact]
    public async Task LoadAsync_TamperedImage_RefusesTheWholeJobNamingBothHashes()
    {
        var profile = ProfileLoader.Load(workspace.WriteProfile(SampleProfiles.Full(workspace)));
        string tampered = workspace.WriteImage("demo-esp32/app.bin", SampleProfiles.AppLength, seed: 99);

        var error = await Assert.ThrowsAsync<ProfileException>(() => ProfileImages.LoadAsync(profile, CancellationToken.None));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("$.images[1].sha256", problem.Path);
        Assert.Equal($"file {profile.Images[1].Path} has SHA-256 {tampered}, the profile pins {profile.Images[1].Sha256}", problem.Message);
    }

    [Fact]
    public async Task LoadAsync_EveryImageTampered_ReportsEveryMismatch()
    {
        var profile = ProfileLoader.Load(workspace.WriteProfile(SampleProfiles.Full(workspace)));
        workspace.WriteImage("demo-esp32/bootloader.bin", SampleProfiles.BootloaderLength, seed: 7);
        workspace.WriteImage("demo-esp32/app.bin", SampleProfiles.AppLength, seed: 8);

        var error = await Assert.ThrowsAsync<ProfileException>(() => ProfileImages.LoadAsync(profile, CancellationToken.None));

        Assert.Equal(["$.images[0].sha256", "$.images[1].sha256"], error.Problems.Select(p => p.Path));
    }

    [Fact]
    public async Task LoadAsync_ImageDeletedAfterLoading_IsAProblemAtItsPath()
    {
        var profile = ProfileLoader.Load(workspace.WriteProfile(SampleProfiles.Full(workspace)));
        File.Delete(profile.Images[0].Path);

        var error = await Assert.ThrowsAsync<ProfileException>(() => ProfileImages.LoadAsync(profile, CancellationToken.None));

        Assert.Equal("$.images[0].path", Assert.Single(error.Problems).Path);
    }

    [Fact]
    public async Task LoadAsync_PinnedFileGrewAfterLoading_IsPlacedByTheBytesRead()
    {
        // The bootloader file is replaced (and re-pinned) after the profile was loaded; it now runs into the app.
        var profile = ProfileLoader.Load(workspace.WriteProfile(SampleProfiles.Full(workspace)));
        string grownSha = workspace.WriteImage("demo-esp32/bootloader.bin", 0x10000, seed: 5);
        profile = profile with { Images = [profile.Images[0] with { Sha256 = grownSha }, profile.Images[1]] };

        var error = await Assert.ThrowsAsync<ProfileException>(() => ProfileImages.LoadAsync(profile, CancellationToken.None));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("$.images[1].offset", problem.Path);
        Assert.Contains("image 'app' (0x10000..0x14FFF) overlaps image 'bootloader' (0x1000..0x10FFF)", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_Cancelled_Throws()
    {
        var profile = ProfileLoader.Load(workspace.WriteProfile(SampleProfiles.Full(workspace)));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ProfileImages.LoadAsync(profile, new CancellationToken(canceled: true)));
    }
}
