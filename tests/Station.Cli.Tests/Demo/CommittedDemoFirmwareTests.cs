using Station.Cli.Tests.Support;
using Station.Profiles;

namespace Station.Cli.Tests.Demo;

/// <summary>The demo firmware in profiles/ is exactly what the command in the repo produces, and the profile pins it.</summary>
public class CommittedDemoFirmwareTests
{
    [Fact]
    public async Task DemoImagesCommand_RegeneratesTheCommittedFilesByteForByte()
    {
        string work = Repository.TempDirectory();

        var (code, output, error) = await StationProcess.RunAsync(work, TimeSpan.FromMinutes(2), "demo-images", "--chip", "esp32", "--out", "out");

        Assert.True(code == 0, output + error);
        foreach (string file in new[] { "bootloader.bin", "partition-table.bin", "app.bin" })
        {
            Assert.Equal(
                await File.ReadAllBytesAsync(Path.Combine(Repository.Root(), "profiles", "demo-esp32", file)),
                await File.ReadAllBytesAsync(Path.Combine(work, "out", file)));
        }
    }

    [Fact]
    public async Task DemoProfile_IsValidAndItsPinsMatchTheFiles()
    {
        var profile = ProfileLoader.Load(Path.Combine(Repository.Root(), "profiles", "demo-esp32.json"));

        var images = await ProfileImages.LoadAsync(profile, CancellationToken.None);

        Assert.Equal(["bootloader", "partition-table", "app"], images.Select(i => i.Image.Name));
        Assert.Equal([0x1000u, 0x8000u, 0x10000u], images.Select(i => i.Image.Offset));
        Assert.NotNull(profile.BootCheck);
    }
}
