using System.CommandLine;
using System.Globalization;
using Station.Cli.Bench;
using Station.Cli.Options;
using Station.Cli.Run;
using Station.Flashing.Write;
using Station.Protocol.Images;
using Station.Simulator.Flash;
using Station.Transport.Links;

namespace Station.Cli.Commands;

/// <summary>
/// <c>station bench</c>: Station's cycle time against the physical limit, its scaling to many ports, and esptool-js
/// side by side on the same simulated boards — all on the simulator with pacing on, in its own process. Prints the
/// tables as markdown and writes them (bench.md, bench.json, bench.png) under <c>--out</c>.
/// </summary>
public static class BenchCommand
{
    public static Command Create(CommandContext context)
    {
        var quick = new Option<bool>("--quick") { Description = "A short run: the app workload at 921600 and 2000000 baud, 1 and 8 ports, esptool-js on 1 port" };
        var workloads = new Option<string>("--workloads") { Description = "Workloads: app (bootloader + partition table + app), full (one 4 MB merged image)", DefaultValueFactory = _ => "app,full" };
        var appSize = new Option<string>("--app-size") { Description = "Size of the app in the app workload", DefaultValueFactory = _ => "1MB" };
        var bauds = new Option<string>("--bauds") { Description = "Working bauds for the cycle-time table", DefaultValueFactory = _ => "115200,921600,2000000" };
        var ports = new Option<string>("--ports") { Description = "Port counts for the scaling table", DefaultValueFactory = _ => "1,8,32,64" };
        var scalingBaud = new Option<int>("--scaling-baud") { Description = "Baud of the scaling table (app workload)", DefaultValueFactory = _ => 921600 };
        var units = new Option<int?>("--units")
        {
            Description = "Units per measurement in the cycle-time table (one port); default: Station 2 (its first unit pays the JIT warm-up and is left out), " +
                "esptool-js 2 at 460800 baud and above, 1 below (each of its units is a new process, so none is warmer than another)",
        };
        var scalingUnits = new Option<int>("--scaling-units") { Description = "Units per port in the scaling table", DefaultValueFactory = _ => 2 };
        var comparePorts = new Option<string>("--compare-ports") { Description = "Port counts of the scaling table at which esptool-js runs too", DefaultValueFactory = _ => "1,8" };
        var noEsptoolJs = new Option<bool>("--no-esptool-js") { Description = "Measure Station only" };
        var output = new Option<string>("--out") { Description = "Where the report goes", DefaultValueFactory = _ => Path.Combine("reports", "bench") };
        var stubDir = new Option<string?>("--stub-dir") { Description = "Flasher stubs (default $STATION_STUB_DIR, ./stubs, or esptool-js's own)" };
        var seed = new Option<ulong>("--seed") { Description = "Seed for the simulated boards' MACs", DefaultValueFactory = _ => 1 };
        var skipMatching = new Option<bool>("--skip-matching")
        {
            Description = "Profiles with verification.skipMatching: erased spans a blank board already holds are left alone, at the cost of an MD5 of every region first",
        };
        var command = new Command("bench", "Measure cycle time against the wire limit, scaling to many ports, and esptool-js side by side (simulator, pacing on)")
        {
            quick, workloads, appSize, bauds, ports, scalingBaud, units, scalingUnits, comparePorts, noEsptoolJs, output, stubDir, seed, skipMatching,
        };

        command.SetAction((result, ct) => context.RunAsync(async token =>
        {
            bool isQuick = result.GetValue(quick);
            var workloadNames = isQuick ? ["app"] : List(result.GetValue(workloads)!, s => s);
            var baudList = isQuick ? [921600, 2000000] : List(result.GetValue(bauds)!, Int);
            var portList = isQuick ? [1, 8] : List(result.GetValue(ports)!, Int);
            var compareList = isQuick ? [1] : List(result.GetValue(comparePorts)!, Int);
            int? perMeasurement = result.GetValue(units);
            int perPort = isQuick ? 1 : result.GetValue(scalingUnits);
            int scaleBaud = result.GetValue(scalingBaud);
            if (!Numbers.TryParseSize(result.GetValue(appSize)!, out uint appBytes) || appBytes is < 0x4_0000 or > 0x30_0000)
            {
                throw new UsageException("--app-size must be 256K..3MB.");
            }

            if (workloadNames.Any(w => w is not ("app" or "full")) || workloadNames.Count == 0)
            {
                throw new UsageException("--workloads takes app and/or full.");
            }

            if (baudList.Any(b => b is < 9600 or > 8_000_000) || portList.Any(p => p is < 1 or > 256) || perMeasurement is < 1 || perPort < 1)
            {
                throw new UsageException("Bauds 9600..8000000, port counts 1..256, units at least 1.");
            }

            string outDir = Path.GetFullPath(result.GetValue(output)!);
            string runDir = Path.Combine(outDir, "runs", context.Time.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
            Directory.CreateDirectory(runDir);
            string? script = result.GetValue(noEsptoolJs) ? null : BenchEnvironment.FindEsptoolJsScript();
            if (!result.GetValue(noEsptoolJs) && script is null)
            {
                throw new UsageException("esptool-js is not installed: run `npm ci` in tests/interop (or pass --no-esptool-js).");
            }

            string? stubs = BenchEnvironment.StubDirectory(result.GetValue(stubDir), BenchEnvironment.FindEsptoolJsScript());
            var machine = BenchEnvironment.Machine();
            await context.Out.WriteLineAsync($"Bench on {machine.Describe()}; stubs from {stubs ?? "./stubs or $STATION_STUB_DIR"}");

            // The workloads, their files and profiles, and the limit of each at each baud.
            var built = new List<BenchWorkload>();
            foreach (string name in workloadNames.Distinct())
            {
                built.Add(name == "app" ? BenchImages.App((int)appBytes) : BenchImages.Full4Mb());
            }

            var allBauds = baudList.Append(scaleBaud).Distinct().ToList();
            var files = new Dictionary<string, BenchWorkloadFiles>();
            var plans = new Dictionary<string, FlashPlan>();
            foreach (var workload in built)
            {
                files[workload.Key] = await BenchFiles.WriteAsync(workload, Path.Combine(runDir, "images"), allBauds, result.GetValue(skipMatching), token);
                plans[workload.Key] = FlashPlan.Prepare(workload.Regions, BenchImages.Chip, FlashSettings.Keep, compress: true, CompressionEffort.Smallest, token);
            }

            int fleetSize = portList.Concat(compareList).Append(1).Max();
            await context.Out.WriteLineAsync($"Starting {fleetSize} simulated ESP32 boards (pacing on) in a separate process…");
            await using var fleet = await SimulatedFleet.StartAsync(BenchImages.Chip, fleetSize, dumpDirectory: null, result.GetValue(seed), pacing: true,
                LinkFactory.Default(), wrap: null, token);
            var runner = new BenchRunner(fleet, runDir, stubs, script, context.Out);
            var report = new BenchResults { Machine = machine, Command = "station " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)), StartLoad = BenchRunner.LoadAverage() };

            foreach (var workload in built)
            {
                foreach (int baud in baudList)
                {
                    var limit = CycleLimit.For(plans[workload.Key].Regions, baud, FlashTiming.Datasheet, 4 * 1024 * 1024);
                    // Station's steady state is what a line sees all day; a slow baud's minutes buy esptool-js nothing more.
                    var station = await runner.StationAsync(files[workload.Key], baud, 1, perMeasurement ?? 2, token);
                    var esptool = script is null ? null
                        : await runner.EsptoolJsAsync(files[workload.Key], baud, 1, perMeasurement ?? (baud >= 460800 ? 2 : 1), token);
                    report.Cycles.Add(new CycleRow(workload.Key, workload.Title, workload.Bytes, baud, limit, station, esptool));
                }
            }

            var scaled = built[0];
            foreach (int n in portList.Distinct().Order())
            {
                var station = await runner.StationAsync(files[scaled.Key], scaleBaud, n, perPort, token);
                var esptool = script is not null && compareList.Contains(n) ? await runner.EsptoolJsAsync(files[scaled.Key], scaleBaud, n, perPort, token) : null;
                report.Scaling.Add(new ScalingRow(scaled.Key, scaleBaud, n, station, esptool));
            }

            report.EndLoad = BenchRunner.LoadAverage();
            string markdown = BenchReport.Markdown(report);
            await context.Out.WriteLineAsync();
            await context.Out.WriteLineAsync(markdown);
            Directory.CreateDirectory(outDir);
            await BenchReport.WriteAsync(report, markdown, outDir, token);
            await BenchReport.WriteAsync(report, markdown, runDir, token);
            await context.Out.WriteLineAsync($"Wrote {Path.Combine(outDir, "bench.md")}, bench.json and bench.png (this run's files: {runDir}).");
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static int Int(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n)
        ? n : throw new UsageException($"'{text}' is not a whole number.");

    private static List<T> List<T>(string text, Func<string, T> parse) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse).ToList();
}
