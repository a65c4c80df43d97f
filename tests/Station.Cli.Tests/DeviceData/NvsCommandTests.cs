using Station.Cli.Tests.Support;

namespace Station.Cli.Tests.DeviceData;

/// <summary>
/// <c>station nvs generate</c> replays every command line of ESP-IDF's generator recorded in the reference
/// vectors (the first line of each .log): the same output bytes where it made a file, a failure with its
/// cause and no output file where it refused.
/// </summary>
public class NvsCommandTests
{
    private static readonly string Vectors = Path.Combine(Repository.Root(), "tests", "Station.DeviceData.Tests", "Vectors");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static TheoryData<string> Logs() => [.. Directory.GetFiles(Vectors, "*.log").Select(f => Path.GetFileName(f)).Order()];

    [Theory]
    [MemberData(nameof(Logs))]
    public async Task Generate_ReferenceCommandLine_MatchesTheReferenceGenerator(string log)
    {
        string work = CopyVectors();
        string[] lines = await File.ReadAllLinesAsync(Path.Combine(Vectors, log));
        string[] command = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["$", "nvs_partition_gen", "generate"], command[..3]);
        string output = command[4];
        string reference = Path.Combine(Vectors, output);

        if (!File.Exists(reference))
        {
            await File.WriteAllTextAsync(Path.Combine(work, output), "an image from an earlier run");
        }

        var (code, stdout, stderr) = await StationProcess.RunAsync(work, Timeout, ["nvs", .. command[2..]]);

        if (File.Exists(reference))
        {
            Assert.True(code == 0, stdout + stderr);
            Assert.Equal(await File.ReadAllBytesAsync(reference), await File.ReadAllBytesAsync(Path.Combine(work, output)));
        }
        else
        {
            Assert.Matches(@"^\[exit code [1-9]\d*\]$", lines[^1]);
            Assert.NotEqual(0, code);
            Assert.False(File.Exists(Path.Combine(work, output)), "a refused CSV must leave no image behind, not even an older one");
            Assert.False(string.IsNullOrWhiteSpace(stderr), "a refusal must say why");
        }
    }

    [Fact]
    public async Task Dump_GeneratedImage_ListsItsEntriesAndExitsZero()
    {
        string work = CopyVectors();

        var (code, stdout, stderr) = await StationProcess.RunAsync(work, Timeout, "nvs", "dump", Path.Combine(Vectors, "f_factory.bin"));

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("problems: none", stdout, StringComparison.Ordinal);
        foreach (string key in File.ReadLines(Path.Combine(work, "f_factory.csv")).Skip(1).Where(l => !l.Contains(",namespace,", StringComparison.Ordinal)).Select(l => l.Split(',')[0]))
        {
            Assert.Contains($"/{key}  ", stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Dump_CorruptedImage_NamesTheProblemAndExitsTwo()
    {
        string work = CopyVectors();
        byte[] image = await File.ReadAllBytesAsync(Path.Combine(Vectors, "a_primitives.bin"));
        image[64 + 32 + 24] ^= 0x01; // the data of the first entry after the namespace: its CRC no longer matches
        await File.WriteAllBytesAsync(Path.Combine(work, "bad.bin"), image);

        var (code, stdout, _) = await StationProcess.RunAsync(work, Timeout, "nvs", "dump", "bad.bin");

        Assert.Equal(2, code);
        Assert.Contains("E-NVS-ENTRY-CRC", stdout, StringComparison.Ordinal);
    }

    /// <summary>The inputs (CSVs and the files they name) in a fresh folder, without the reference images.</summary>
    private static string CopyVectors()
    {
        string work = Repository.TempDirectory();
        foreach (string file in Directory.GetFiles(Vectors, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(Vectors, file);
            if (relative.EndsWith(".bin", StringComparison.Ordinal) && !relative.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }

            string target = Path.Combine(work, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return work;
    }
}
