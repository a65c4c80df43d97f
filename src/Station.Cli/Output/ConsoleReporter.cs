using System.Collections.Concurrent;
using Spectre.Console;
using Station.Flashing.Errors;
using Station.Flashing.Events;

namespace Station.Cli.Output;

/// <summary>
/// Shows flash events to a person: a live progress display on a terminal, plain lines otherwise
/// (logs, CI, pipes). Notices with the same key are said once per process.
/// </summary>
public sealed class ConsoleReporter
{
    private readonly ConcurrentDictionary<string, bool> _noticesSaid = new();
    private readonly TextWriter _out;
    private readonly bool _live;

    public ConsoleReporter(TextWriter output, bool live)
    {
        _out = output;
        _live = live;
    }

    /// <summary>Live display only when stdout is an interactive terminal.</summary>
    public static ConsoleReporter ForConsole() =>
        new(Console.Out, !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive);

    public TextWriter Out => _out;

    /// <summary>Runs <paramref name="work"/> while rendering its events.</summary>
    public async Task<T> ShowAsync<T>(Func<IFlashEventSink, Task<T>> work)
    {
        if (!_live)
        {
            return await work(new PlainSink(this)).ConfigureAwait(false);
        }

        var deferred = new ConcurrentQueue<string>();
        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var sink = new LiveSink(this, context, deferred);
                try
                {
                    result = await work(sink).ConfigureAwait(false);
                }
                finally
                {
                    sink.Complete();
                }
            }).ConfigureAwait(false);
        while (deferred.TryDequeue(out string? line))
        {
            _out.WriteLine(line);
        }

        return result;
    }

    /// <summary>Prints a failure with its code, cause and remedy.</summary>
    public static void PrintError(TextWriter error, FlashError e)
    {
        error.WriteLine($"FAILED {e.Code}: {e.Cause}");
        error.WriteLine($"  What to do: {e.Remedy}");
        foreach (var (key, value) in e.Details)
        {
            error.WriteLine($"  {key}: {value}");
        }
    }

    private bool FirstTime(string key) => _noticesSaid.TryAdd(key, true);

    internal static string Describe(FlashEvent e) => e switch
    {
        StepStarted s => $"{s.Step}: {s.Detail}",
        ConnectAttempted c => $"  attempt {c.Attempt}{(c.ResetStrategy is null ? " (no reset on this link)" : $" ({c.ResetStrategy})")}: boot log shows {c.BootLogSummary}",
        DeviceIdentified d => $"  {d.Identity.Description}, MAC {d.Identity.Mac}, features {string.Join(", ", d.Identity.Features)}" +
            (d.Identity.CrystalMhz is { } mhz ? $", crystal {mhz} MHz" : ""),
        BaudChanged b => $"  baud {b.From} → {b.To}",
        RegionStarted r => $"  {r.Size} bytes at 0x{r.Address:X}{(r.Compressed ? $" ({r.WireSize} compressed)" : "")}",
        RegionWritten w => $"  written in {w.Elapsed.TotalSeconds:0.00} s",
        RegionVerified v => $"  verified at 0x{v.Address:X}: MD5 {v.Md5}",
        RegionUnverified u => $"  NOT VERIFIED at 0x{u.Address:X}: {u.Reason}",
        BlockRetried b => $"  block {b.Block} resent (attempt {b.Attempt}): {b.Reason.Cause}",
        RamBlockRetried r => $"  stub block {r.Block} resent (attempt {r.Attempt}): {r.Reason.Cause}",
        _ => string.Empty,
    };

    private sealed class PlainSink(ConsoleReporter owner) : IFlashEventSink
    {
        private readonly Lock _gate = new();
        private int _lastQuarter = -1;

        public void On(FlashEvent e)
        {
            string line;
            switch (e)
            {
                case Notice n:
                    if (!owner.FirstTime(n.Key))
                    {
                        return;
                    }

                    line = $"Note: {n.Text}";
                    break;
                case WriteProgress p:
                    int quarter = p.WireBytesSent * 4 / Math.Max(1, p.WireBytesTotal);
                    if (quarter == _lastQuarter)
                    {
                        return;
                    }

                    _lastQuarter = quarter;
                    line = $"  {quarter * 25}% ({p.Block}/{p.Blocks} blocks)";
                    break;
                case RegionStarted:
                    _lastQuarter = -1;
                    line = Describe(e);
                    break;
                case StepFinished or StepFailed or ReadProgress:
                    return;
                default:
                    line = Describe(e);
                    break;
            }

            if (line.Length > 0)
            {
                lock (_gate)
                {
                    owner._out.WriteLine(line);
                }
            }
        }
    }

    private sealed class LiveSink(ConsoleReporter owner, ProgressContext context, ConcurrentQueue<string> deferred) : IFlashEventSink
    {
        private readonly Lock _gate = new();
        private ProgressTask? _status;
        private ProgressTask? _region;

        public void Complete()
        {
            lock (_gate)
            {
                if (_status is not null)
                {
                    _status.IsIndeterminate = false;
                    _status.Value = _status.MaxValue;
                    _status.StopTask();
                }

                _region?.StopTask();
            }
        }

        public void On(FlashEvent e)
        {
            lock (_gate)
            {
                switch (e)
                {
                    case StepStarted s:
                        _status ??= context.AddTask(Markup.Escape(s.Detail), maxValue: 1).IsIndeterminate();
                        _status.Description = Markup.Escape($"{s.Step}: {s.Detail}");
                        break;
                    case DeviceIdentified or BaudChanged or RegionVerified or RegionUnverified or BlockRetried or RamBlockRetried or ConnectAttempted:
                        deferred.Enqueue(Describe(e));
                        break;
                    case Notice n when owner.FirstTime(n.Key):
                        deferred.Enqueue($"Note: {n.Text}");
                        break;
                    case RegionStarted r:
                        _region = context.AddTask(Markup.Escape($"0x{r.Address:X} ({r.Size} bytes)"), maxValue: r.WireSize);
                        break;
                    case WriteProgress p when _region is not null:
                        _region.Value = p.WireBytesSent;
                        break;
                    case ReadProgress r:
                        _region ??= context.AddTask("reading", maxValue: r.Total);
                        _region.Value = r.BytesRead;
                        break;
                    case StepFailed:
                        _status?.StopTask();
                        break;
                }
            }
        }
    }
}
