using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Station.Cli.Run;
using Station.Line.Fixtures;

namespace Station.Cli.Bench;

/// <summary>esptool-js's account of one unit (from bench-esptool-js.mjs), plus the process's wall time as the bench saw it.</summary>
public sealed record EsptoolJsUnit(bool Ok, double UnitSeconds, double StartupSeconds, double ProcessSeconds, double CpuSeconds, long MaxRssBytes,
    IReadOnlyDictionary<string, double> Steps, string? Error);

/// <summary>One measurement: a tool flashing units on some ports, with the wall time and the load average when it started.</summary>
public sealed record Measurement(string Tool, int Ports, double WallSeconds, double SimulatorCpuSeconds, double LoadAverage)
{
    public BenchLineResult? Station { get; init; }

    public IReadOnlyList<EsptoolJsUnit> EsptoolJs { get; init; } = [];

    public int Units => Station?.Units.Count ?? EsptoolJs.Count;

    public int Passed => Station?.Units.Count(u => u.Result == "Pass") ?? EsptoolJs.Count(u => u.Ok);

    /// <summary>
    /// Mean per-unit cycle time. Station: from its records, in steady state — without each slot's first unit, which also
    /// pays the runtime's JIT warm-up, when the slot made more than one. esptool-js: by its own clock (connect to reset,
    /// node start-up excluded); every unit is a new process, so there is no steady state to pick.
    /// </summary>
    public double MeanUnitSeconds => SteadyUnits is { Count: > 0 } units ? units.Average(u => u.Seconds) : EsptoolJs.Where(u => u.Ok).DefaultIfEmpty().Average(u => u?.UnitSeconds ?? double.NaN);

    /// <summary>Station's units in steady state (see <see cref="MeanUnitSeconds"/>); null for esptool-js.</summary>
    public IReadOnlyList<BenchUnit>? SteadyUnits => Station is { } s
        ? (s.Units.Any(u => !u.FirstOnSlot) ? s.Units.Where(u => !u.FirstOnSlot).ToList() : s.Units)
        : null;

    /// <summary>The first units of the slots (JIT warm-up included), when steady-state units exist beside them.</summary>
    public double? FirstUnitSeconds => Station is { } s && s.Units.Any(u => !u.FirstOnSlot) ? s.Units.Where(u => u.FirstOnSlot).Average(u => u.Seconds) : null;

    /// <summary>Units per hour over the whole measurement (board swaps and start-up included).</summary>
    public double UnitsPerHour => Units / WallSeconds * 3600;
}

/// <summary>
/// Runs the bench's measurements against one simulator process that it owns (<c>station simulate --control</c>, pacing
/// on, no flash dumps): Station as a separate <c>station bench-line</c> process per measurement, esptool-js as one node
/// process per port and unit. Every unit starts on a fresh board (erased flash, new MAC): the bench swaps each port's
/// board before a measurement, and the line (through the relay) or the bench (for esptool-js) swaps it after each unit.
/// </summary>
public sealed class BenchRunner(SimulatedFleet fleet, string workDirectory, string? stubDirectory, string? esptoolJsScript, TextWriter progress)
{
    private int _runs;

    public async Task<Measurement> StationAsync(BenchWorkloadFiles files, int baud, int ports, int unitsPerPort, CancellationToken cancellationToken)
    {
        var slots = fleet.Slots.Take(ports).ToList();
        await FreshBoardsAsync(slots, cancellationToken).ConfigureAwait(false);
        int run = Interlocked.Increment(ref _runs);
        string batch = string.Create(CultureInfo.InvariantCulture, $"run{run:00}-{files.Workload.Key}-{baud}-{ports}p");
        string resultFile = Path.Combine(workDirectory, batch + ".json");
        var arguments = new List<string>
        {
            "bench-line", "--profile", files.Profile(baud), "--ports", string.Join(',', slots.Select(s => s.Port)),
            "--units", (ports * unitsPerPort).ToString(CultureInfo.InvariantCulture), "--reports", workDirectory, "--batch", batch, "--result", resultFile,
        };
        if (stubDirectory is not null)
        {
            arguments.AddRange(["--stub-dir", stubDirectory]);
        }

        double load = LoadAverage();
        var simulatorCpu = fleet.ProcessorTime;
        long started = Stopwatch.GetTimestamp();
        var info = SimulatedFleet.SelfInvocation([.. arguments]);
        using var process = new Process { StartInfo = info };
        process.Start();
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        var swaps = new List<Task>();
        var stdinGate = new SemaphoreSlim(1, 1);
        while (await process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.StartsWith("swap ", StringComparison.Ordinal))
            {
                string url = line["swap ".Length..].Trim();
                var slot = slots.First(s => s.Port == url);
                swaps.Add(Task.Run(async () =>
                {
                    await slot.NextBoardAsync(cancellationToken).ConfigureAwait(false);
                    await stdinGate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        await process.StandardInput.WriteLineAsync($"swapped {url}".AsMemory(), cancellationToken).ConfigureAwait(false);
                        await process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        stdinGate.Release();
                    }
                }, cancellationToken));
            }
        }

        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        double wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await Task.WhenAll(swaps).ConfigureAwait(false);
        if (!File.Exists(resultFile))
        {
            throw new InvalidOperationException($"The station process of {batch} ended with exit code {process.ExitCode} and no result: {(await errors.ConfigureAwait(false)).Trim()}");
        }

        var result = JsonSerializer.Deserialize<BenchLineResult>(await File.ReadAllTextAsync(resultFile, cancellationToken).ConfigureAwait(false), BenchLineResult.Json)!;
        var measurement = new Measurement("station", ports, result.WallSeconds, (fleet.ProcessorTime - simulatorCpu).TotalSeconds, load) { Station = result };
        progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  station    {files.Workload.Key,-9} {baud,8} baud {ports,3} ports: {measurement.Passed}/{measurement.Units} passed, {measurement.MeanUnitSeconds:0.000} s/unit, wall {wall:0.0} s (load {load:0.00})"));
        return measurement;
    }

    public async Task<Measurement> EsptoolJsAsync(BenchWorkloadFiles files, int baud, int ports, int unitsPerPort, CancellationToken cancellationToken)
    {
        if (esptoolJsScript is null)
        {
            throw new InvalidOperationException("esptool-js is not installed (tests/interop: npm ci).");
        }

        var slots = fleet.Slots.Take(ports).ToList();
        await FreshBoardsAsync(slots, cancellationToken).ConfigureAwait(false);
        double load = LoadAverage();
        var simulatorCpu = fleet.ProcessorTime;
        long started = Stopwatch.GetTimestamp();
        var perPort = await Task.WhenAll(slots.Select(async slot =>
        {
            var units = new List<EsptoolJsUnit>();
            for (int u = 0; u < unitsPerPort; u++)
            {
                if (u > 0)
                {
                    await slot.NextBoardAsync(cancellationToken).ConfigureAwait(false);
                }

                units.Add(await RunNodeAsync(slot.Port, baud, files, cancellationToken).ConfigureAwait(false));
            }

            return units;
        })).ConfigureAwait(false);
        double wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var measurement = new Measurement("esptool-js", ports, wall, (fleet.ProcessorTime - simulatorCpu).TotalSeconds, load) { EsptoolJs = perPort.SelectMany(u => u).ToList() };
        progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  esptool-js {files.Workload.Key,-9} {baud,8} baud {ports,3} ports: {measurement.Passed}/{measurement.Units} passed, {(measurement.Passed > 0 ? measurement.MeanUnitSeconds : double.NaN):0.000} s/unit, wall {wall:0.0} s (load {load:0.00})"));
        return measurement;
    }

    /// <summary>The 1-minute load average of the machine (/proc/loadavg), or NaN where there is none.</summary>
    public static double LoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }

    private static async Task FreshBoardsAsync(IEnumerable<ISlotFixture> slots, CancellationToken cancellationToken) =>
        await Task.WhenAll(slots.Select(s => s.NextBoardAsync(cancellationToken))).ConfigureAwait(false);

    private async Task<EsptoolJsUnit> RunNodeAsync(string url, int baud, BenchWorkloadFiles files, CancellationToken cancellationToken)
    {
        var (host, port) = Station.Transport.Tcp.TcpLink.ParseUrl(url);
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(esptoolJsScript)!,
        };
        info.ArgumentList.Add(esptoolJsScript!);
        info.ArgumentList.Add(host);
        info.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(baud.ToString(CultureInfo.InvariantCulture));
        foreach (var (address, path) in files.Images)
        {
            info.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"0x{address:X}"));
            info.ArgumentList.Add(path);
        }

        long started = Stopwatch.GetTimestamp();
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        string output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        double wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        string? json = output.Split('\n').LastOrDefault(l => l.StartsWith('{'));
        if (json is null)
        {
            return new EsptoolJsUnit(false, 0, 0, wall, 0, 0, new Dictionary<string, double>(), $"no result (exit {process.ExitCode}): {(await errors.ConfigureAwait(false)).Trim()}");
        }

        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (!root.GetProperty("ok").GetBoolean())
        {
            return new EsptoolJsUnit(false, 0, 0, wall, 0, 0, new Dictionary<string, double>(), root.GetProperty("error").GetString());
        }

        var steps = root.GetProperty("seconds").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        return new EsptoolJsUnit(true, root.GetProperty("unitSeconds").GetDouble(), root.GetProperty("startupSeconds").GetDouble(), wall,
            root.GetProperty("cpuSeconds").GetDouble(), root.GetProperty("maxRssBytes").GetInt64(), steps, null);
    }
}
