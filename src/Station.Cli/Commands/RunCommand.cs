using System.CommandLine;
using Station.Cli.Options;
using Station.Cli.Ports;
using Station.Cli.Run;
using Station.Line;
using Station.Line.Events;
using Station.Line.Fixtures;
using Station.Line.Jobs;
using Station.Profiles;
using Station.Traceability;
using Station.Traceability.Ledger;
using Station.Transport.Links;

namespace Station.Cli.Commands;

/// <summary>
/// <c>station run</c>: the station's main job. One worker per port, all in parallel, unit after unit,
/// with the profile's retry policies; every unit attempt is recorded (reports/&lt;batch&gt;/units.csv and
/// by-mac/&lt;MAC&gt;.json) before its slot shows the verdict. Ctrl+C once: finish the units in flight and
/// start no new ones; twice: stop now, recording the units in flight as interrupted.
/// </summary>
public static class RunCommand
{
    /// <summary>A job that ran to its end but not every unit passed.</summary>
    public const int UnitsFailed = 4;

    /// <summary>The profile is invalid or its images do not match their pinned SHA-256: the job was refused.</summary>
    public const int ProfileRefused = 5;

    /// <summary>A failure no next unit could escape stopped the line early (see <see cref="LineErrors.HaltsLine"/>).</summary>
    public const int LineHalted = 7;

    public static Command Create(CommandContext context) =>
        Build(context, "run", "Run the line: flash unit after unit on every port in parallel, recording each unit by MAC", LineOperation.Flash);

    /// <summary><c>station qa</c>: the same line, but every unit is only re-verified, nothing is written.</summary>
    public static Command CreateQa(CommandContext context) =>
        Build(context, "qa", "Re-verify units without writing: every region's MD5 against the profile's images and the unit's own recorded data", LineOperation.Qa);

    private static Command Build(CommandContext context, string name, string description, LineOperation operation)
    {
        var profile = new Option<string>("--profile") { Description = "Profile file (profiles/*.json)", Required = true };
        var ports = new Option<string?>("--ports") { Description = "Comma-separated ports: /dev/ttyUSB0,socket://HOST:PORT,…" };
        var glob = new Option<string?>("--ports-glob")
        {
            Description = "Ports matching a pattern, e.g. /dev/serial/by-path/*usb*; ports that appear later get slots too (hot-plug)",
        };
        var slots = new Option<string?>("--slots") { Description = "Station file naming the slots by USB position (station.json; see 'station ports')" };
        var simulate = new Option<int?>("--simulate") { Description = "Run N simulated slots in a separate simulator process; each finished unit is replaced by a new one" };
        var units = new Option<int?>("--units") { Description = "Stop after this many units in total (default: run until Ctrl+C)" };
        var operatorName = new Option<string>("--operator") { Description = "Who runs the line", DefaultValueFactory = _ => Environment.UserName };
        var batch = new Option<string?>("--batch") { Description = "Batch id (default: the start time, yyyyMMdd-HHmmss UTC)" };
        var stationId = new Option<string>("--station-id") { Description = "This station's id in records", DefaultValueFactory = _ => Environment.MachineName };
        var reports = new Option<string>("--reports") { Description = "Reports directory", DefaultValueFactory = _ => "reports" };
        var stubDir = new Option<string?>("--stub-dir") { Description = "Flasher stubs (default $STATION_STUB_DIR or ./stubs)" };
        var trace = new Option<bool>("--trace") { Description = "Write a per-port wire trace to reports/<batch>/trace/" };
        var seed = new Option<ulong>("--seed") { Description = "With --simulate: seed for the simulated units' MACs", DefaultValueFactory = _ => 1 };
        var noPacing = new Option<bool>("--no-pacing") { Description = "With --simulate: do not model wire time and flash timing" };
        var faults = new Option<string?>("--faults")
        {
            Description = "With --simulate: the simulated boards suffer these faults (grammar: station simulate --help), e.g. 'ram-corrupt=1e-4;unplug=0.05/1s'",
            HelpName = "SPEC",
        };
        var fromBatch = new Option<string?>("--from-batch")
        {
            Description = "With --simulate (qa): the simulated units are the ones batch B flashed (its sim-dumps), put back into the fixtures",
        };
        var command = new Command(name, description)
        {
            profile, ports, glob, simulate, units, operatorName, batch, stationId, reports, stubDir, trace, seed, noPacing, faults, slots,
        };
        if (operation == LineOperation.Qa)
        {
            command.Add(fromBatch);
        }

        command.SetAction((result, ct) => context.RunAsync(async token =>
        {
            int sources = new object?[] { result.GetValue(ports), result.GetValue(glob), result.GetValue(simulate), result.GetValue(slots) }.Count(v => v is not null);
            if (sources != 1)
            {
                throw new UsageException("Give exactly one of --ports, --ports-glob, --slots or --simulate.");
            }

            StationFile? stationFile = null;
            if (result.GetValue(slots) is { } stationPath)
            {
                try
                {
                    stationFile = StationFile.Load(stationPath);
                }
                catch (StationFileException e)
                {
                    throw new UsageException(e.Message);
                }
            }

            if (result.GetValue(units) is < 1)
            {
                throw new UsageException("--units must be at least 1.");
            }

            var faultSpec = SimulatedFaults.Parse(result.GetValue(faults), result.GetValue(simulate));

            Profile loaded;
            try
            {
                loaded = ProfileLoader.Load(result.GetValue(profile)!);
            }
            catch (ProfileException e)
            {
                await context.Error.WriteLineAsync(e.Message);
                return ProfileRefused;
            }

            string stamp = context.Time.GetUtcNow().ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
            string batchId = result.GetValue(batch) ?? (operation == LineOperation.Qa ? "qa-" + stamp : stamp);
            if (!BatchName.IsValid(batchId))
            {
                throw new UsageException($"--batch '{batchId}' is not a usable batch id (letters, digits, '-', '_', '.').");
            }

            string batchDir = Path.Combine(Path.GetFullPath(result.GetValue(reports)!), batchId);
            Directory.CreateDirectory(batchDir);
            var traces = new List<WireTrace>();
            Func<IByteLink, int, IByteLink>? wrap = null;
            if (result.GetValue(trace))
            {
                wrap = (link, slot) =>
                {
                    var file = new WireTrace(Path.Combine(batchDir, "trace", $"slot-{slot}.log"), context.Time);
                    lock (traces)
                    {
                        traces.Add(file);
                    }

                    return file.Wrap(link);
                };
            }

            // Opened before any device is touched: a batch another station is writing, or a ledger that cannot
            // be reached, stops the job at once.
            await using var records = await BatchRecordWriter.OpenAsync(Path.GetFullPath(result.GetValue(reports)!), batchId, token);
            await using var ledger = loaded.DeviceData is null
                ? null
                : await SerialLedgers.OpenAsync(loaded.DeviceData.Ledger, Path.GetFullPath(result.GetValue(reports)!), token);
            var links = LinkFactory.Default();
            SimulatedFleet? fleet = null;
            IReadOnlyList<ISlotFixture> fixtures;
            GlobSlots? appearing = null;
            if (result.GetValue(simulate) is { } count)
            {
                if (count is < 1 or > 256)
                {
                    throw new UsageException("--simulate takes 1..256 slots.");
                }

                string? returned = null;
                if (result.GetValue(fromBatch) is { } source)
                {
                    returned = Path.Combine(Path.GetFullPath(result.GetValue(reports)!), source, "sim-dumps");
                    if (!Directory.Exists(returned))
                    {
                        throw new UsageException($"--from-batch {source}: {returned} does not exist (run that batch with --simulate first).");
                    }
                }

                fleet = await SimulatedFleet.StartAsync(loaded.Chip, count, Path.Combine(batchDir, "sim-dumps"), result.GetValue(seed),
                    !result.GetValue(noPacing), links, wrap, token, returned, faultSpec);
                fixtures = fleet.Slots;
            }
            else
            {
                var discovery = LineSlots.Discovery(stationFile);
                if (result.GetValue(glob) is { } pattern)
                {
                    // Hot-plug: ports that start matching later get slots of their own.
                    appearing = new GlobSlots(pattern, discovery, links, wrap, TimeSpan.FromSeconds(1), context.Time);
                    fixtures = appearing.Present();
                    if (fixtures.Count == 0)
                    {
                        await context.Out.WriteLineAsync($"No port matches {pattern} yet: plug the fixtures in; each slot starts when its port appears.");
                    }
                }
                else
                {
                    fixtures = stationFile is not null
                        ? LineSlots.FromStationFile(stationFile, links, discovery, wrap)
                        : LineSlots.FromPorts(PortList.Parse(result.GetValue(ports)!), links, discovery, wrap);
                }
            }

            await using var fleetLifetime = fleet;
            bool live = !Console.IsOutputRedirected && Spectre.Console.AnsiConsole.Profile.Capabilities.Interactive;
            var console = new OperatorConsole($"Station {result.GetValue(stationId)} · {loaded.Name} {loaded.Version} · batch {batchId}",
                fixtures.Select((f, i) => (i + 1, f.Port)), context.Time);
            using var log = new LineLog(Path.Combine(batchDir, "station.log"), consoleLines: !live);
            var identity = new JobIdentity(batchId, result.GetValue(stationId)!, result.GetValue(operatorName)!);

            LineJob job;
            try
            {
                int? unitCount = result.GetValue(units);
                if (operation == LineOperation.Qa && unitCount is null && result.GetValue(fromBatch) is { } qaSource)
                {
                    // QA of a simulated batch checks each of its units once.
                    unitCount = Directory.GetFiles(Path.Combine(Path.GetFullPath(result.GetValue(reports)!), qaSource, "sim-dumps"), "*.bin").Length;
                }

                job = await LineJob.PrepareAsync(loaded, identity, fixtures, records, new FanOut(console, log),
                    DeviceOptions.ResolveStubs(result.GetValue(stubDir)), unitCount, context.Time, token, ledger) with
                {
                    Operation = operation,
                    SlotSource = appearing,
                    // Real slots keep the baud they last passed at for the next job; simulated ones are new every run.
                    BaudMemory = fleet is null ? new SlotBaudFile(Path.GetFullPath(result.GetValue(reports)!), context.Time) : null,
                };
            }
            catch (ProfileException e)
            {
                await context.Error.WriteLineAsync(e.Message);
                return ProfileRefused;
            }

            using var signals = new StopSignals(onFirstInterrupt: () =>
                context.Error.WriteLine("Stopping: units in flight will finish (Ctrl+C again to stop them now)."));
            var running = LineRunner.RunAsync(job, signals.Stop, signals.Abort);
            var tally = live ? await console.ShowWhileAsync(running) : await running;
            foreach (var file in traces)
            {
                file.Dispose();
            }

            await context.Out.WriteLineAsync($"Batch {batchId}: {console.Totals()}");
            await context.Out.WriteLineAsync($"Records: {Path.Combine(batchDir, "units.csv")} and {Path.Combine(batchDir, "by-mac")}");
            if (tally.HaltedBy is { } halt)
            {
                await context.Error.WriteLineAsync($"LINE STOPPED {halt.Code}: {halt.Cause}\n  What to do: {halt.Remedy}");
                return LineHalted;
            }

            // 130 only when the operator stopped units; a unit left unfinished by a port that never came back counts as not passed.
            return signals.Stop.IsCancellationRequested && tally.Interrupted > 0 ? 130
                : tally.Failed + tally.Interrupted > 0 ? UnitsFailed : ExitCodes.Success;
        }, ct));
        return command;
    }

    /// <summary>Sends every line event to several sinks.</summary>
    private sealed class FanOut(params ILineEventSink[] sinks) : ILineEventSink
    {
        public void On(LineEvent e)
        {
            foreach (var sink in sinks)
            {
                sink.On(e);
            }
        }
    }
}
