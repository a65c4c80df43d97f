using System.CommandLine;
using System.Globalization;
using Station.Cli.Chaos;
using Station.Flashing.Write;
using Station.Profiles;
using Station.Traceability.Ledger;

namespace Station.Cli.Commands;

/// <summary>
/// <c>station chaos</c>: the line on simulated boards that suffer field faults, then an audit of the batch
/// against the simulator's ground truth (flash dumps and fault records): zero false PASS, every unit
/// recorded, no duplicate serial, every fault named by its cause, recoverable faults cured.
/// </summary>
public static class ChaosCommand
{
    /// <summary>The run finished but broke at least one promise (the problems are listed).</summary>
    public const int ChecksFailed = 9;

    /// <summary>
    /// Every fault at a moderate rate: about one board in twenty meets each recoverable fault, one in fifty
    /// each fault no retry can cure; slot 2 (when there is one) cannot hold the two top rungs of the baud ladder.
    /// </summary>
    public const string DefaultMix =
        "corrupt=2e-6;drop=1e-6;ram-corrupt=2e-5;no-download-once=0.05;flood=0.1;brownout=0.05;unplug=0.05/1s;"
        + "program-error=0.05;bitflip=0.05;busy=0.05/1s;slow-erase=2;"
        + "no-download=0.02;dead-tx=0.02;program-error-persistent=0.02;bitflip-persistent=0.02";

    public static Command Create(CommandContext context)
    {
        var profile = new Option<string>("--profile") { Description = "Profile to flash", DefaultValueFactory = _ => "profiles/demo-esp32.json" };
        var slots = new Option<int>("--slots") { Description = "Simulated slots", DefaultValueFactory = _ => 8 };
        var units = new Option<int>("--units") { Description = "Units in total", DefaultValueFactory = _ => 60 };
        var faults = new Option<string?>("--faults")
        {
            Description = $"Fault spec (grammar: station simulate --help); default: a mix of every fault: {DefaultMix};d2:ceiling=460800",
            HelpName = "SPEC",
        };
        var seed = new Option<ulong>("--seed") { Description = "Seed for the boards' MACs and their faults", DefaultValueFactory = _ => 1 };
        var batch = new Option<string?>("--batch") { Description = "Batch id (default chaos-<UTC time>)" };
        var reports = new Option<string>("--reports") { Description = "Reports directory", DefaultValueFactory = _ => "reports" };
        var stubDir = new Option<string?>("--stub-dir") { Description = "Flasher stubs (default $STATION_STUB_DIR or ./stubs)" };
        var noPacing = new Option<bool>("--no-pacing") { Description = "Do not model wire time and flash timing" };
        var command = new Command("chaos", "Run the line on simulated boards with field faults, then prove nothing bad passed and every fault was named (exit 9 otherwise)")
        {
            profile, slots, units, faults, seed, batch, reports, stubDir, noPacing,
        };
        command.SetAction(async (result, ct) =>
        {
            int slotCount = result.GetValue(slots);
            string spec = result.GetValue(faults) ?? DefaultMix + (slotCount >= 2 ? ";d2:ceiling=460800" : "");
            string batchId = result.GetValue(batch)
                ?? "chaos-" + context.Time.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            string reportsDir = result.GetValue(reports)!;
            var run = new List<string>
            {
                "--profile", result.GetValue(profile)!, "--simulate", slotCount.ToString(CultureInfo.InvariantCulture),
                "--units", result.GetValue(units).ToString(CultureInfo.InvariantCulture), "--faults", spec,
                "--seed", result.GetValue(seed).ToString(CultureInfo.InvariantCulture), "--batch", batchId, "--reports", reportsDir,
                "--operator", "chaos", "--station-id", "chaos",
            };
            if (result.GetValue(stubDir) is { } stubs)
            {
                run.AddRange(["--stub-dir", stubs]);
            }

            if (result.GetValue(noPacing))
            {
                run.Add("--no-pacing");
            }

            int code = await RunCommand.Create(context).Parse(run).InvokeAsync(cancellationToken: ct);
            if (code is not (0 or RunCommand.UnitsFailed or RunCommand.LineHalted))
            {
                return code;
            }

            return await context.RunAsync(token => AuditAsync(context, result.GetValue(profile)!, Path.Combine(Path.GetFullPath(reportsDir), batchId), spec, token), ct);
        });
        return command;
    }

    private static async Task<int> AuditAsync(CommandContext context, string profilePath, string batchDirectory, string spec, CancellationToken token)
    {
        var profile = ProfileLoader.Load(profilePath);
        var images = await ProfileImages.LoadAsync(profile, token);
        var plan = FlashPlan.Prepare([.. images.Select(i => new ImageSource(i.Image.Offset, i.Bytes, i.Image.Name))], profile.Chip, profile.Flash, compress: false, cancellationToken: token);
        await using var ledger = profile.DeviceData is null
            ? null
            : await SerialLedgers.OpenAsync(profile.DeviceData.Ledger, Path.GetDirectoryName(batchDirectory)!, token);
        var findings = await ChaosAudit.RunAsync(batchDirectory, new ChaosExpectations(plan.Regions, ledger, profile.DeviceData?.Serial?.Product), token);
        await context.Out.WriteLineAsync();
        await context.Out.WriteLineAsync($"Chaos audit of {batchDirectory} (faults: {spec})");
        await context.Out.WriteAsync(findings.ToText());
        return findings.Clean ? 0 : ChecksFailed;
    }
}
