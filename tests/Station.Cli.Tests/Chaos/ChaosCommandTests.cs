using Station.Cli.Tests.Run;
using Station.Cli.Tests.Support;
using Station.Simulator.Faults;
using Station.Traceability.Ledger;

namespace Station.Cli.Tests.Chaos;

/// <summary>
/// <c>station chaos</c> as CI runs it: 8 slots × 60 units of a per-device profile, every fault of the simulator
/// in the mix, judged by the simulator's ground truth (flash dumps and fault records), not the station's view.
/// </summary>
public class ChaosCommandTests
{
    /// <summary>
    /// Every fault often enough that 60 boards surely meet each (a board's slot, and so its draw, depends on timing):
    /// one board in ten for the curable ones, one in twelve for those no retry cures.
    /// </summary>
    private const string EveryFault =
        "corrupt=2e-6;drop=2e-6;ram-corrupt=2e-5;no-download-once=0.1;flood=0.1;brownout=0.1;unplug=0.1/1s;program-error=0.1;"
        + "bitflip=0.1;busy=0.1/1s;slow-erase=2;no-download=0.08;dead-tx=0.08;program-error-persistent=0.08;bitflip-persistent=0.08;d2:ceiling=460800";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task Chaos_EightSlotsSixtyUnitsEveryFault_NoFalsePassEveryUnitRecordedEverySerialUniqueEveryFaultNamed()
    {
        string work = Repository.TempDirectory();
        string profile = await ProfileAsync(work);

        var (code, output, error) = await StationProcess.RunAsync(work, Timeout, "chaos", "--profile", profile, "--slots", "8", "--units", "60",
            "--faults", EveryFault, "--seed", "3", "--reports", "reports", "--batch", "chaos", "--stub-dir", Repository.Stubs);

        Assert.True(code == 0, output + error);
        Assert.Contains("False PASS: 0 ", output, StringComparison.Ordinal);
        Assert.Contains("Every check passed", output, StringComparison.Ordinal);
        foreach (var fault in FaultNames.All)
        {
            Assert.Contains($"| {fault.Name} | ", output, StringComparison.Ordinal);
        }

        // The records agree: 60 units, a verdict each, and the ledger's own audit finds no gap or duplicate.
        var rows = RunCommandTests.Csv(Path.Combine(work, "reports", "chaos", "units.csv"));
        Assert.Equal(60, rows.Select(r => r["unit"]).Distinct().Count());
        await using var ledger = await SerialLedgers.OpenAsync(null, Path.Combine(work, "reports"), CancellationToken.None);
        Assert.Empty((await LedgerAudit.RunAsync(ledger, "demo-esp32", CancellationToken.None)).Problems);

        // QA's view of the same batch: failures grouped by their named cause.
        var report = await StationProcess.RunAsync(work, Timeout, "report", "--batch", "chaos", "--reports", "reports");
        Assert.True(report.ExitCode == 0, report.Output + report.Error);
        var finals = rows.GroupBy(r => r["unit"]).Select(g => g.MaxBy(r => int.Parse(r["attempt"], System.Globalization.CultureInfo.InvariantCulture))!);
        foreach (var cause in finals.Where(r => r["result"] == "FAIL").Select(r => r["error_code"]).Distinct())
        {
            Assert.Contains(cause, report.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("brownout=2", "fault clause 1 'brownout=2'")]
    [InlineData("flood;meteor=1", "fault clause 2 'meteor=1'")]
    [InlineData("d9:dead-tx", "names slot 9, but the fleet has 8 slots")]
    public async Task Chaos_BadFaultSpec_IsAUsageErrorNamingTheClause(string spec, string expected)
    {
        string work = Repository.TempDirectory();

        var (code, output, error) = await StationProcess.RunAsync(work, Timeout, "chaos", "--faults", spec, "--reports", "reports",
            "--profile", Path.Combine(Repository.Root(), "profiles", "demo-esp32.json"));

        Assert.True(code == 2, output + error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    /// <summary>
    /// The per-device demo profile, its paths made absolute, with a short slot-breaker pause (fatal faults come in runs
    /// here) and four connect attempts (four reset strategies; a TCP port has none to cycle anyway) to keep CI short.
    /// </summary>
    private static async Task<string> ProfileAsync(string work)
    {
        string source = Path.Combine(Repository.Root(), "profiles");
        string text = (await File.ReadAllTextAsync(Path.Combine(source, "demo-esp32-unique.json")))
            .Replace("\"$schema\": \"./profile.schema.json\",", "", StringComparison.Ordinal)
            .Replace("\"demo-esp32/", $"\"{source}/demo-esp32/", StringComparison.Ordinal)
            .Replace("\"demo-esp32-unique/", $"\"{source}/demo-esp32-unique/", StringComparison.Ordinal)
            .Replace("\"pauseSeconds\": 30", "\"pauseSeconds\": 1", StringComparison.Ordinal)
            .Replace("\"connectAttempts\": 7", "\"connectAttempts\": 4", StringComparison.Ordinal);
        string path = Path.Combine(work, "profile.json");
        await File.WriteAllTextAsync(path, text);
        return path;
    }
}
