using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Station.Cli.Bench;

/// <summary>A workload written to disk: its image files and, per baud, a profile that flashes them.</summary>
public sealed record BenchWorkloadFiles(BenchWorkload Workload, IReadOnlyList<(uint Address, string Path)> Images, string Directory)
{
    /// <summary>The profile for a line that works at <paramref name="baud"/> (the only rung of its ladder).</summary>
    public string Profile(int baud) => Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"profile-{baud}.json"));
}

/// <summary>
/// Writes the bench's images and profiles under the report directory. The profiles are a normal line's: images
/// pinned by SHA-256, flash header settings kept (so Station and esptool-js write identical bytes), connect at
/// 115200, one working baud, restart into the app and check its boot log for the version — the line's defaults
/// for everything else.
/// </summary>
public static class BenchFiles
{
    public static async Task<BenchWorkloadFiles> WriteAsync(BenchWorkload workload, string root, IEnumerable<int> bauds, bool skipMatching, CancellationToken cancellationToken)
    {
        string directory = Path.Combine(root, workload.Key);
        Directory.CreateDirectory(directory);
        var images = new List<(uint, string)>();
        var imageNodes = new JsonArray();
        foreach (var region in workload.Regions)
        {
            string path = Path.Combine(directory, region.Name);
            await File.WriteAllBytesAsync(path, region.Bytes, cancellationToken).ConfigureAwait(false);
            images.Add((region.Address, path));
            imageNodes.Add(new JsonObject
            {
                ["name"] = Path.GetFileNameWithoutExtension(region.Name),
                ["offset"] = string.Create(CultureInfo.InvariantCulture, $"0x{region.Address:X}"),
                ["path"] = region.Name,
                ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(region.Bytes)),
            });
        }

        var files = new BenchWorkloadFiles(workload, images, directory);
        foreach (int baud in bauds.Distinct())
        {
            var profile = new JsonObject
            {
                ["name"] = "bench-" + workload.Key,
                ["version"] = BenchImages.Version,
                ["chip"] = BenchImages.Chip.Key,
                ["flash"] = new JsonObject { ["mode"] = "keep", ["frequency"] = "keep", ["size"] = "keep" },
                ["images"] = imageNodes.DeepClone(),
                ["link"] = new JsonObject { ["initialBaud"] = 115200, ["baudLadder"] = new JsonArray(baud) },
                ["verification"] = new JsonObject { ["md5"] = true, ["skipMatching"] = skipMatching },
                ["after"] = "run-app",
                ["bootCheck"] = new JsonObject { ["baud"] = 115200, ["pattern"] = @"App version:\s+1\.0\.0", ["withinSeconds"] = 10 },
            };
            await File.WriteAllTextAsync(files.Profile(baud), profile.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken)
                .ConfigureAwait(false);
        }

        return files;
    }
}
