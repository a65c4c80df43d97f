using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Station.Line.Fixtures;
using Station.Protocol.Chips;
using Station.Simulator.Faults;
using Station.Transport.Links;

namespace Station.Cli.Run;

/// <summary>
/// <c>station run --simulate N</c>: N simulated slots served by a separate <c>station simulate --control</c>
/// process (so the station's own process is measured alone). After each unit the slot's board is
/// replaced by a new simulated unit with a new MAC (<c>swap i</c> on the child's stdin), so a job may make
/// more units than it has slots. Closing the child's stdin makes it dump every flash and exit.
/// </summary>
public sealed partial class SimulatedFleet : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<string>> _swaps = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(int Index, string Mac, string Url)> _devices = [];
    private readonly Lock _gate = new();
    private readonly LinkFactory _links;

    private SimulatedFleet(Process process, LinkFactory links)
    {
        _process = process;
        _links = links;
    }

    public IReadOnlyList<ISlotFixture> Slots { get; private set; } = [];

    /// <summary>The simulator process's processor time so far (user + system, all threads).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.HasExited ? TimeSpan.Zero : _process.TotalProcessorTime;
        }
    }

    /// <summary>Starts the child simulator and waits until it serves every device.</summary>
    public static async Task<SimulatedFleet> StartAsync(
        ChipSpec chip, int count, string? dumpDirectory, ulong seed, bool pacing, LinkFactory links, Func<IByteLink, int, IByteLink>? wrap, CancellationToken cancellationToken,
        string? returnedBoards = null, FaultSpec? faults = null)
    {
        var info = SelfInvocation("simulate", "--chip", chip.Key, "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tcp", "127.0.0.1:0", "--control", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (dumpDirectory is not null)
        {
            // Without it (the bench) boards are not dumped: a 4 MB dump per unit would load the simulator's process.
            info.ArgumentList.Add("--dump-dir");
            info.ArgumentList.Add(dumpDirectory);
        }

        if (!pacing)
        {
            info.ArgumentList.Add("--no-pacing");
        }

        if (faults is { IsEmpty: false })
        {
            info.ArgumentList.Add("--faults");
            info.ArgumentList.Add(faults.ToString());
        }

        if (returnedBoards is not null)
        {
            info.ArgumentList.Add("--boards");
            info.ArgumentList.Add(returnedBoards);
        }

        var process = new Process { StartInfo = info };
        var fleet = new SimulatedFleet(process, links);
        process.OutputDataReceived += (_, e) => fleet.OnLine(e.Data);
        process.ErrorDataReceived += (_, _) => { };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await fleet._ready.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await fleet.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        fleet.Slots = fleet._devices.OrderBy(d => d.Index)
            .Select(d => (ISlotFixture)new FleetSlot(fleet, d.Index, d.Url, wrap is null ? null : link => wrap(link, d.Index + 1)))
            .ToList();
        return fleet;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.StandardInput.Close();
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    /// <summary>The command line that runs this same station program with other arguments.</summary>
    internal static ProcessStartInfo SelfInvocation(params string[] arguments)
    {
        string host = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            info.ArgumentList.Add(typeof(SimulatedFleet).Assembly.Location);
        }

        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        return info;
    }

    private async Task SwapAsync(int index, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _swaps[index] = done;
        lock (_gate)
        {
            _process.StandardInput.WriteLine($"swap {index}");
            _process.StandardInput.Flush();
        }

        await done.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _ready.TrySetException(new InvalidOperationException("The simulator process ended before it was ready."));
            return;
        }

        if (DeviceLine().Match(line) is { Success: true } device)
        {
            _devices.Add((int.Parse(device.Groups["i"].Value, System.Globalization.CultureInfo.InvariantCulture), device.Groups["mac"].Value, device.Groups["url"].Value));
        }
        else if (line.StartsWith("Ready.", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
        else if (SwappedLine().Match(line) is { Success: true } swapped
            && _swaps.TryRemove(int.Parse(swapped.Groups["i"].Value, System.Globalization.CultureInfo.InvariantCulture), out var waiter))
        {
            waiter.TrySetResult(swapped.Groups["mac"].Value);
        }
    }

    [GeneratedRegex(@"^device (?<i>\d+)\s+(?<mac>[0-9A-F:]{17})\s+(?<url>socket://\S+)")]
    private static partial Regex DeviceLine();

    [GeneratedRegex(@"^swapped (?<i>\d+) (?<mac>[0-9A-F:]{17})")]
    private static partial Regex SwappedLine();

    /// <summary>One simulated slot: its URL, and a board swap after each unit.</summary>
    private sealed class FleetSlot(SimulatedFleet fleet, int index, string url, Func<IByteLink, IByteLink>? wrap) : ISlotFixture
    {
        public string Port => url;

        public bool ReplacesBoards => true;

        public async Task<IByteLink> OpenAsync(int baud, CancellationToken cancellationToken)
        {
            var link = await fleet._links.OpenAsync(url, baud, cancellationToken).ConfigureAwait(false);
            return wrap is null ? link : wrap(link);
        }

        public Task NextBoardAsync(CancellationToken cancellationToken) => fleet.SwapAsync(index, cancellationToken);
    }
}
