using System.Text.Json;
using System.Text.RegularExpressions;
using Station.Cli.Tests.Support;

namespace Station.Cli.Tests.Run;

/// <summary><c>station run --slots station.json</c>: slots by name, in the console, the log, the records; and what a slot learned for the next job.</summary>
public sealed partial class StationFileRunTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Run_SlotsFromAStationFile_NamesInConsoleLogAndRecordsAndTheLearnedBaudIsKept()
    {
        string work = Repository.TempDirectory();
        await using var simulator = StationProcess.Start(work, "simulate", "--chip", "esp32", "--count", "2", "--rfc2217", "127.0.0.1:0", "--no-pacing");
        await simulator.WaitForLineAsync("Ready.", TimeSpan.FromSeconds(60));
        string[] urls = [.. Rfc2217Url().Matches(simulator.Output).Select(m => m.Value)];
        string stationFile = Path.Combine(work, "station.json");
        await File.WriteAllTextAsync(stationFile, JsonSerializer.Serialize(new
        {
            slots = new[] { new { name = "fixture A, slot 1", port = urls[0] }, new { name = "fixture A, slot 2", port = urls[1] } },
        }));

        var (code, output, error) = await StationProcess.RunAsync(work, Timeout, "run", "--profile", Path.Combine(Repository.Root(), "profiles", "demo-esp32.json"),
            "--slots", stationFile, "--units", "2", "--reports", "reports", "--batch", "named", "--stub-dir", Repository.Stubs);

        Assert.True(code == 0, output + error);
        var rows = RunCommandTests.Csv(Path.Combine(work, "reports", "named", "units.csv"));
        Assert.Equal(2, rows.Count);
        Assert.Equal(["fixture A, slot 1", "fixture A, slot 2"], rows.OrderBy(r => r["slot"]).Select(r => r["slot_name"]));
        Assert.Equal(urls, rows.OrderBy(r => r["slot"]).Select(r => r["port"]));
        Assert.Matches(@"slot 1 \(fixture A, slot 1\): PASS unit", output);
        Assert.Matches(@"slot 2 \(fixture A, slot 2\): PASS unit", output);
        string log = await File.ReadAllTextAsync(Path.Combine(work, "reports", "named", "station.log"));
        Assert.Contains("\"SlotName\":\"fixture A, slot 2\"", log, StringComparison.Ordinal);
        using var learned = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(work, "reports", "slots.json")));
        var slots = learned.RootElement.GetProperty("slots");
        Assert.Equal(2000000, slots.GetProperty("fixture A, slot 1").GetProperty("baud").GetInt32());
        Assert.Equal(2000000, slots.GetProperty("fixture A, slot 2").GetProperty("baud").GetInt32());
    }

    [GeneratedRegex(@"rfc2217://127\.0\.0\.1:\d+")]
    private static partial Regex Rfc2217Url();
}
