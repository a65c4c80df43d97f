using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Station.Cli.Bench;

/// <summary>One row of the cycle-time table: a workload at a baud on one port, with its limit and both tools.</summary>
public sealed record CycleRow(string Workload, string Title, long Bytes, int Baud, LimitParts Limit, Measurement Station, Measurement? EsptoolJs);

/// <summary>One row of the scaling table: N ports at once.</summary>
public sealed record ScalingRow(string Workload, int Baud, int Ports, Measurement Station, Measurement? EsptoolJs);

/// <summary>Everything one bench run measured.</summary>
public sealed class BenchResults
{
    public required MachineInfo Machine { get; init; }

    public required string Command { get; init; }

    public double StartLoad { get; init; }

    public double EndLoad { get; set; }

    public List<CycleRow> Cycles { get; } = [];

    public List<ScalingRow> Scaling { get; } = [];
}

/// <summary>A target of the issue, judged from this run's figures.</summary>
public sealed record TargetVerdict(string Target, bool? Passed, string Figures)
{
    public string Word => Passed switch { true => "pass", false => "short", null => "not measured" };
}

/// <summary>The bench's tables as markdown (every figure measured in this run or computed from its inputs), and its files.</summary>
public static class BenchReport
{
    /// <summary>Steps of a unit as the line records them, in the order they run.</summary>
    public static readonly IReadOnlyList<(string Key, string Title)> StationSteps =
    [
        ("connect", "connect"), ("identify", "identify"), ("baud", "baud"), ("stub", "stub"), ("attach", "flash id + attach"),
        ("device_data", "device data"), ("write", "write"), ("verify", "verify"), ("efuse", "eFuse"), ("reset", "reset"), ("boot_check", "boot check"),
    ];

    private static readonly IReadOnlyList<string> EsptoolJsSteps = ["connect", "identify", "stub", "baud", "write", "verify", "reset"];

    public const double LimitTarget = 1.10;
    public const double EfficiencyTarget = 0.90;
    public const double EsptoolJsTarget = 0.90;

    public static string Markdown(BenchResults results)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"Machine: {results.Machine.Describe()}. Load average (1 min) {results.StartLoad:0.00} at the start, {results.EndLoad:0.00} at the end; each row notes the load when it started.");
        md.AppendLine(inv, $"Command: `{results.Command}`");
        md.AppendLine();
        if (results.Cycles.Count > 0)
        {
            md.AppendLine("### Cycle time per unit against the limit (one port, fresh board each unit)");
            md.AppendLine();
            md.AppendLine("Limit = one SYNC at 115200 + the compressed bytes on the wire (10 bits per byte) overlapped with the simulator's erase/program time " +
                "(`FlashTiming.Datasheet`, erased lazily as the stub does), block by block as the stub overlaps them (a 16 KiB block is programmed while the next " +
                "one arrives, so each block costs the larger of its wire and flash time) + the restart's frames; the host is assumed to answer instantly. " +
                "The limit is for writing each image as given: Station erases runs of at least 64 KiB of 0xFF (full-4mb's gaps) instead of programming them — " +
                "the flash then holds the same bytes — so on such images it can come in under this limit. Station's time runs from the unit's start to its record " +
                "(connect … boot check), in steady state: a port's first unit in a station process also pays the runtime's JIT warm-up, so it is left out " +
                "when the port made more (its time is in bench.json). esptool-js's time runs from `main()` to `after(\"hard_reset\")` by its own clock " +
                "(node start-up excluded; it has no boot check).");
            md.AppendLine();
            md.AppendLine("| Workload | Baud | Image → compressed | Limit s (wire · flash) | Station s/unit | Station / limit | esptool-js s/unit | Station vs esptool-js | Load |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var row in results.Cycles)
            {
                var limit = row.Limit;
                string esptool = row.EsptoolJs is { Passed: > 0 } e ? Seconds(e.MeanUnitSeconds) + Failures(e) : row.EsptoolJs is null ? "–" : "failed";
                string versus = row.EsptoolJs is { Passed: > 0 } e2 ? Percent(row.Station.MeanUnitSeconds / e2.MeanUnitSeconds - 1) : "–";
                md.AppendLine(inv, $"| {row.Workload} | {row.Baud} | {Mb(row.Bytes)} → {Mb(limit.WireBytes)} ({(double)limit.WireBytes / row.Bytes:0%}) | " +
                    $"{Seconds(limit.Total)} ({Seconds(limit.Wire)} · {Seconds(limit.Flash)}) | {Seconds(row.Station.MeanUnitSeconds)}{Failures(row.Station)} | " +
                    $"{row.Station.MeanUnitSeconds / limit.Total:0.00} | {esptool} | {versus} | {row.Station.LoadAverage:0.00} |");
            }

            md.AppendLine();
            md.AppendLine("### Where the time goes (mean seconds per unit)");
            md.AppendLine();
            md.AppendLine("Station's steps come from its own unit records; \"floor\" is the limit's share of a step (write: wire/flash overlap; " +
                "verify: the device's MD5 time, which the limit does not count); \"other\" is the unit time not inside any step (records, step hand-over).");
            md.AppendLine();
            md.Append("| Workload | Baud | Tool |");
            foreach (var (_, title) in StationSteps)
            {
                md.Append(' ').Append(title).Append(" |");
            }

            md.AppendLine(" other | total |");
            md.Append("|---|---:|---|");
            md.Append(string.Concat(Enumerable.Repeat("---:|", StationSteps.Count + 2)));
            md.AppendLine();
            foreach (var row in results.Cycles)
            {
                var units = row.Station.SteadyUnits!.Where(u => u.Result == "Pass").ToList();
                if (units.Count == 0)
                {
                    continue;
                }

                md.Append(inv, $"| {row.Workload} | {row.Baud} | Station |");
                double inSteps = 0;
                foreach (var (key, _) in StationSteps)
                {
                    double mean = units.Average(u => u.Steps.GetValueOrDefault(key));
                    inSteps += mean;
                    md.Append(' ').Append(units.Any(u => u.Steps.ContainsKey(key)) ? Seconds(mean) : "–").Append(" |");
                }

                double total = units.Average(u => u.Seconds);
                md.AppendLine(inv, $" {Seconds(Math.Max(0, total - inSteps))} | {Seconds(total)} |");
                md.Append(inv, $"| {row.Workload} | {row.Baud} | floor |");
                foreach (var (key, _) in StationSteps)
                {
                    string floor = key switch
                    {
                        "connect" => Seconds(row.Limit.Sync),
                        "write" => Seconds(row.Limit.Write),
                        "verify" => Seconds(row.Limit.Md5),
                        "reset" => Seconds(row.Limit.Reset),
                        _ => "",
                    };
                    md.Append(' ').Append(floor).Append(" |");
                }

                md.AppendLine(inv, $" | {Seconds(row.Limit.Total)} |");
                if (row.EsptoolJs is { Passed: > 0 } e)
                {
                    var ok = e.EsptoolJs.Where(u => u.Ok).ToList();
                    md.Append(inv, $"| {row.Workload} | {row.Baud} | esptool-js |");
                    double inJs = 0;
                    foreach (var (key, _) in StationSteps)
                    {
                        bool has = EsptoolJsSteps.Contains(key);
                        double mean = has ? ok.Average(u => u.Steps.GetValueOrDefault(key)) : 0;
                        inJs += mean;
                        md.Append(' ').Append(has ? Seconds(mean) : "–").Append(" |");
                    }

                    double jsTotal = ok.Average(u => u.UnitSeconds);
                    md.AppendLine(inv, $" {Seconds(Math.Max(0, jsTotal - inJs))} | {Seconds(jsTotal)} |");
                }
            }

            md.AppendLine();
        }

        if (results.Scaling.Count > 0)
        {
            var first = results.Scaling[0];
            var single = results.Scaling.FirstOrDefault(r => r.Ports == 1)?.Station;
            md.AppendLine(inv, $"### Scaling: {first.Workload} at {first.Baud} baud, N ports at once");
            md.AppendLine();
            md.AppendLine("Throughput = units ÷ wall time of the whole job (board swaps included); per-port efficiency = throughput ÷ (N × one port's). " +
                "CPU and peak working set are the station process's own (`Process.TotalProcessorTime` while the line ran, `Process.PeakWorkingSet64`); " +
                "CPU cores = CPU seconds ÷ wall seconds. The simulator runs in its own process on the same 2 cores; its CPU is shown so that a " +
                "saturated simulator is not mistaken for a slow station. esptool-js runs one node process per port; its CPU and memory are per process.");
            md.AppendLine();
            md.AppendLine("| Ports | Units (passed) | Wall s | Units/h | Per-port efficiency | Mean s/unit | Station CPU s/unit | Station CPU cores | Peak working set | Alloc/unit | Simulator CPU cores | esptool-js units/h | esptool-js s/unit | esptool-js CPU s/unit | Load |");
            md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var row in results.Scaling)
            {
                var s = row.Station;
                var line = s.Station!;
                string efficiency = single is null ? "–" : (s.UnitsPerHour / (row.Ports * single.UnitsPerHour)).ToString("0.0%", inv);
                string js = row.EsptoolJs is { Passed: > 0 } e
                    ? string.Create(inv, $"{e.UnitsPerHour:0} | {Seconds(e.MeanUnitSeconds)}{Failures(e)} | {e.EsptoolJs.Where(u => u.Ok).Average(u => u.CpuSeconds):0.000}")
                    : "– | – | –";
                md.AppendLine(inv, $"| {row.Ports} | {s.Units} ({s.Passed}) | {s.WallSeconds:0.0} | {s.UnitsPerHour:0} | {efficiency} | {Seconds(s.MeanUnitSeconds)} | " +
                    $"{line.RunCpuSeconds / s.Units:0.000} | {line.RunCpuSeconds / line.WallSeconds:0.00} | {line.PeakWorkingSetBytes / (1024.0 * 1024):0} MB | " +
                    $"{line.AllocatedBytes / 1024.0 / s.Units:0} KB | {s.SimulatorCpuSeconds / s.WallSeconds:0.00} | {js} | {s.LoadAverage:0.00} |");
            }

            md.AppendLine();
        }

        md.AppendLine("### Targets");
        md.AppendLine();
        md.AppendLine("| Target | Verdict | Figures |");
        md.AppendLine("|---|---|---|");
        foreach (var verdict in Targets(results))
        {
            md.AppendLine(inv, $"| {verdict.Target} | {verdict.Word} | {verdict.Figures} |");
        }

        return md.ToString();
    }

    /// <summary>The issue's targets, judged on this run's figures (null: the run did not measure it).</summary>
    public static IReadOnlyList<TargetVerdict> Targets(BenchResults results)
    {
        var inv = CultureInfo.InvariantCulture;
        var verdicts = new List<TargetVerdict>();
        var headline = results.Cycles.FirstOrDefault(r => r.Workload == "app-1mb" && r.Baud == 921600);
        verdicts.Add(headline is null
            ? new TargetVerdict("1 MB app at 921600: unit ≤ 1.10 × limit", null, "not in this run")
            : new TargetVerdict("1 MB app at 921600: unit ≤ 1.10 × limit", headline.Station.MeanUnitSeconds <= LimitTarget * headline.Limit.Total,
                string.Create(inv, $"{Seconds(headline.Station.MeanUnitSeconds)} / {Seconds(headline.Limit.Total)} = {headline.Station.MeanUnitSeconds / headline.Limit.Total:0.00}") +
                DeviceBound(headline)));

        var single = results.Scaling.FirstOrDefault(r => r.Ports == 1);
        var widest = results.Scaling.Where(r => r.Ports > 1).MaxBy(r => r.Ports);
        if (single is null || widest is null)
        {
            verdicts.Add(new TargetVerdict("64 ports: per-port efficiency ≥ 90 % of one port", null, "not in this run"));
        }
        else
        {
            double efficiency = widest.Station.UnitsPerHour / (widest.Ports * single.Station.UnitsPerHour);
            verdicts.Add(new TargetVerdict($"{widest.Ports} ports: per-port efficiency ≥ 90 % of one port", widest.Ports >= 64 ? efficiency >= EfficiencyTarget : null,
                string.Create(inv, $"{efficiency:0.0%} ({widest.Station.UnitsPerHour:0} vs {widest.Ports} × {single.Station.UnitsPerHour:0} units/h){(widest.Ports < 64 ? "; 64 ports not in this run" : "")}")));
        }

        var compared = results.Cycles.Where(r => r.EsptoolJs is { Passed: > 0 }).ToList();
        if (compared.Count == 0)
        {
            verdicts.Add(new TargetVerdict("Station ≥ 10 % below esptool-js at the same baud", null, "not in this run"));
        }
        else
        {
            var worst = compared.MaxBy(r => r.Station.MeanUnitSeconds / r.EsptoolJs!.MeanUnitSeconds)!;
            double ratio = worst.Station.MeanUnitSeconds / worst.EsptoolJs!.MeanUnitSeconds;
            verdicts.Add(new TargetVerdict("Station ≥ 10 % below esptool-js at the same baud (every row)", ratio <= EsptoolJsTarget,
                string.Create(inv, $"closest row {worst.Workload} at {worst.Baud}: {Seconds(worst.Station.MeanUnitSeconds)} vs {Seconds(worst.EsptoolJs.MeanUnitSeconds)} ({Percent(ratio - 1)})")));
            foreach (var group in compared.GroupBy(r => r.Workload))
            {
                var fastest = group.MinBy(r => r.Station.MeanUnitSeconds)!;
                var reference = group.FirstOrDefault(r => r.Baud == 921600) ?? group.MaxBy(r => r.Baud)!;
                verdicts.Add(new TargetVerdict($"{group.Key}: Station at its own best baud vs esptool-js at {reference.Baud}",
                    fastest.Station.MeanUnitSeconds < reference.EsptoolJs!.MeanUnitSeconds * EsptoolJsTarget,
                    string.Create(inv, $"Station {Seconds(fastest.Station.MeanUnitSeconds)} at {fastest.Baud} vs esptool-js {Seconds(reference.EsptoolJs.MeanUnitSeconds)} ({Percent(fastest.Station.MeanUnitSeconds / reference.EsptoolJs.MeanUnitSeconds - 1)})")));
            }
        }

        var cpuRow = results.Scaling.MaxBy(r => r.Ports);
        if (cpuRow is null)
        {
            verdicts.Add(new TargetVerdict("64 ports use under one core (station CPU)", null, "not in this run"));
        }
        else
        {
            var line = cpuRow.Station.Station!;
            double cores = line.RunCpuSeconds / line.WallSeconds;
            verdicts.Add(new TargetVerdict($"{cpuRow.Ports} ports use under one core (station CPU)", cpuRow.Ports >= 64 ? cores < 1.0 : null,
                string.Create(inv, $"{cores:0.00} cores ({line.RunCpuSeconds / cpuRow.Station.Units:0.000} CPU s per unit){(cpuRow.Ports < 64 ? "; 64 ports not in this run" : "")}")));
        }

        return verdicts;
    }

    /// <summary>
    /// What the device alone spends outside the limit's definition — its MD5 over the regions and its boot up to the
    /// checked line — as a ratio to the limit: no host can do better than this on that row.
    /// </summary>
    private static string DeviceBound(CycleRow row)
    {
        var units = row.Station.SteadyUnits?.Where(u => u.Result == "Pass").ToList();
        if (units is not { Count: > 0 })
        {
            return "";
        }

        double boot = units.Average(u => u.Steps.GetValueOrDefault("boot_check"));
        double floor = row.Limit.Total + row.Limit.Md5 + boot;
        return string.Create(CultureInfo.InvariantCulture,
            $"; the device's own MD5 ({Seconds(row.Limit.Md5)}) and boot to the checked line ({Seconds(boot)}) alone make {floor / row.Limit.Total:0.00} × the limit");
    }

    public static async Task WriteAsync(BenchResults results, string markdown, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "bench.md"), markdown, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, "bench.json"), JsonSerializer.Serialize(results, BenchLineResult.Json), cancellationToken).ConfigureAwait(false);
        await File.WriteAllBytesAsync(Path.Combine(directory, "bench.png"), BenchChart.Render(results), cancellationToken).ConfigureAwait(false);
    }

    private static string Seconds(double s) => s.ToString(s >= 100 ? "0.0" : "0.000", CultureInfo.InvariantCulture);

    private static string Percent(double fraction) => fraction.ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture);

    private static string Mb(long bytes) => (bytes / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " MB";

    private static string Failures(Measurement m) => m.Passed == m.Units ? "" : string.Create(CultureInfo.InvariantCulture, $" ({m.Units - m.Passed} of {m.Units} failed)");
}
