using System.Text.Json;
using Station.Cli.Tests.Support;

namespace Station.Cli.Tests.Bench;

/// <summary>A small run of <c>station bench</c> end to end: the simulator, Station's line process and esptool-js.</summary>
public class BenchCommandTests
{
    [Fact]
    public async Task Bench_SmallApp_MeasuresBothToolsAboveTheLimitAndWritesTheReport()
    {
        _ = Repository.Interop;
        string work = Repository.TempDirectory();

        var (code, output, error) = await StationProcess.RunAsync(work, TimeSpan.FromMinutes(4), "bench", "--workloads", "app", "--app-size", "256K",
            "--bauds", "2000000", "--ports", "1,2", "--compare-ports", "1", "--scaling-units", "1", "--scaling-baud", "2000000", "--out", "out");

        Assert.True(code == 0, output + error);
        string md = await File.ReadAllTextAsync(Path.Combine(work, "out", "bench.md"));
        Assert.Contains("| app-256k | 2000000 |", md, StringComparison.Ordinal);
        Assert.Contains("| 2 | 2 (2) |", md, StringComparison.Ordinal);
        byte[] png = await File.ReadAllBytesAsync(Path.Combine(work, "out", "bench.png"));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(work, "out", "bench.json")));
        var cycle = json.RootElement.GetProperty("cycles")[0];
        double limit = cycle.GetProperty("limit").GetProperty("total").GetDouble();
        var station = cycle.GetProperty("station");
        var esptool = cycle.GetProperty("esptoolJs");
        Assert.Equal(station.GetProperty("units").GetInt32(), station.GetProperty("passed").GetInt32());
        Assert.Equal(2, station.GetProperty("units").GetInt32());
        Assert.Equal((2, 2), (esptool.GetProperty("units").GetInt32(), esptool.GetProperty("passed").GetInt32()));

        // A floor is never beaten: with pacing on, both tools take longer than the limit.
        Assert.True(station.GetProperty("meanUnitSeconds").GetDouble() > limit, md);
        Assert.True(esptool.GetProperty("meanUnitSeconds").GetDouble() > limit, md);
    }
}
