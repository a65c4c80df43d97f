using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Station.Cli.Bench;
using Station.Cli.Options;
using Station.Cli.Run;
using Station.Line;
using Station.Line.Jobs;
using Station.Profiles;
using Station.Traceability;
using Station.Transport.Links;

namespace Station.Cli.Commands;

/// <summary>
/// <c>station bench-line</c> (hidden): the station process of one bench measurement. It runs the line exactly as
/// <c>station run</c> does (profile, job preparation, slot workers, durable records, the JSON line log) on simulated
/// ports that its parent, <c>station bench</c>, serves, and writes what it measured about itself — wall and processor
/// time, peak working set, every unit's steps — to <c>--result</c>. A separate process per measurement, so the
/// processor time and peak memory are the station's alone (not the simulator's, not the bench's).
/// </summary>
public static class BenchLineCommand
{
    public static Command Create(CommandContext context)
    {
        var profile = new Option<string>("--profile") { Required = true };
        var ports = new Option<string>("--ports") { Required = true, Description = "Comma-separated socket:// URLs of simulated boards" };
        var units = new Option<int>("--units") { Required = true };
        var reports = new Option<string>("--reports") { Required = true };
        var batch = new Option<string>("--batch") { Required = true };
        var resultFile = new Option<string>("--result") { Required = true };
        var stubDir = new Option<string?>("--stub-dir");
        var command = new Command("bench-line", "One station measurement of `station bench` (started by it)")
        {
            profile, ports, units, reports, batch, resultFile, stubDir,
        };
        command.Hidden = true;
        command.SetAction((result, ct) => context.RunAsync(async token =>
        {
            var self = Process.GetCurrentProcess();
            var loaded = ProfileLoader.Load(result.GetValue(profile)!);
            var relay = new SwapRelay(Console.In, Console.Out);
            var links = LinkFactory.Default();
            var slots = result.GetValue(ports)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(url => (Station.Line.Fixtures.ISlotFixture)new RelayedSlot(url, links, relay)).ToList();
            string reportsDir = Path.GetFullPath(result.GetValue(reports)!);
            string batchId = result.GetValue(batch)!;
            await using var records = await BatchRecordWriter.OpenAsync(reportsDir, batchId, token);
            var collected = new CollectingSink(records);
            using var log = new LineLog(Path.Combine(reportsDir, batchId, "station.log"), consoleLines: false);

            var cpu0 = self.TotalProcessorTime;
            var job = await LineJob.PrepareAsync(loaded, new JobIdentity(batchId, "bench", "bench"), slots, collected, log,
                DeviceOptions.ResolveStubs(result.GetValue(stubDir)), result.GetValue(units), context.Time, token);
            self.Refresh();
            var cpu1 = self.TotalProcessorTime;
            long allocated0 = GC.GetTotalAllocatedBytes(precise: false);
            long started = context.Time.GetTimestamp();
            var tally = await LineRunner.RunAsync(job, token, token);
            var wall = context.Time.GetElapsedTime(started);
            long allocated1 = GC.GetTotalAllocatedBytes(precise: false);
            self.Refresh();
            var cpu2 = self.TotalProcessorTime;

            var measured = new BenchLineResult
            {
                WallSeconds = wall.TotalSeconds,
                PrepareCpuSeconds = (cpu1 - cpu0).TotalSeconds,
                RunCpuSeconds = (cpu2 - cpu1).TotalSeconds,
                PeakWorkingSetBytes = self.PeakWorkingSet64,
                AllocatedBytes = allocated1 - allocated0,
                Units = collected.Records.OrderBy(r => r.Started)
                    .Select(r => new BenchUnit(r.Slot, r.Result.ToString(), (r.Ended - r.Started).TotalSeconds, r.Baud ?? 0, r.ErrorCode, r.StepSeconds,
                        FirstOnSlot: collected.Records.Where(o => o.Slot == r.Slot).MinBy(o => o.Started) == r))
                    .ToList(),
            };
            await File.WriteAllTextAsync(result.GetValue(resultFile)!, JsonSerializer.Serialize(measured, BenchLineResult.Json), token);
            return tally.Failed + tally.Interrupted == 0 ? ExitCodes.Success : RunCommand.UnitsFailed;
        }, ct));
        return command;
    }

    /// <summary>Keeps every record (for the result) and passes it on to the durable record files.</summary>
    private sealed class CollectingSink(IRecordSink inner) : IRecordSink
    {
        private readonly List<UnitRecord> _records = [];

        public IReadOnlyList<UnitRecord> Records
        {
            get
            {
                lock (_records)
                {
                    return [.. _records];
                }
            }
        }

        public async Task WriteAsync(UnitRecord record, CancellationToken cancellationToken)
        {
            await inner.WriteAsync(record, cancellationToken).ConfigureAwait(false);
            lock (_records)
            {
                _records.Add(record);
            }
        }
    }
}
