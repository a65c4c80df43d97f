using System.Collections.Concurrent;
using Spectre.Console;
using Station.Line.Events;
using Station.Traceability;

namespace Station.Cli.Run;

/// <summary>
/// The operator's screen: one row per slot (state, progress, speed, MAC, last verdict in plain words)
/// and the totals (pass, fail, yield, units per hour). On a terminal it is a live table; otherwise
/// the verdicts and instructions are printed as lines (see <see cref="LineLog"/>).
/// </summary>
public sealed class OperatorConsole : ILineEventSink
{
    private readonly ConcurrentDictionary<int, SlotView> _slots = new();
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly string _title;
    private LineHalted? _halted;
    private int _passed;
    private int _failed;
    private int _interrupted;

    public OperatorConsole(string title, IEnumerable<(int Slot, string Port)> slots, TimeProvider time)
    {
        _title = title;
        _time = time;
        _started = time.GetTimestamp();
        foreach (var (slot, port) in slots)
        {
            _slots[slot] = new SlotView(slot, port);
        }
    }

    public void On(LineEvent e)
    {
        if (e is LineHalted halted)
        {
            _halted = halted;
        }

        if (e is SlotEvent s && _slots.GetOrAdd(s.Slot, number => new SlotView(number, s.Port)) is var view)
        {
            lock (view)
            {
                view.Apply(e, _time);
            }
        }

        if (e is UnitFinished { Instruction: var instruction } f && !instruction.StartsWith("Leave the board", StringComparison.Ordinal))
        {
            _ = f.Record.Result switch
            {
                UnitResult.Pass => Interlocked.Increment(ref _passed),
                UnitResult.Fail => Interlocked.Increment(ref _failed),
                _ => Interlocked.Increment(ref _interrupted),
            };
        }
    }

    /// <summary>Shows the live table until <paramref name="job"/> completes.</summary>
    public async Task<T> ShowWhileAsync<T>(Task<T> job)
    {
        await AnsiConsole.Live(Render()).AutoClear(false).StartAsync(async context =>
        {
            while (!job.IsCompleted)
            {
                context.UpdateTarget(Render());
                await Task.WhenAny(job, Task.Delay(TimeSpan.FromMilliseconds(250), _time)).ConfigureAwait(false);
            }

            context.UpdateTarget(Render());
        }).ConfigureAwait(false);
        return await job.ConfigureAwait(false);
    }

    public string Totals()
    {
        int finished = _passed + _failed;
        double hours = _time.GetElapsedTime(_started).TotalHours;
        string yield = finished == 0 ? "–" : $"{100.0 * _passed / finished:0.0}%";
        string rate = hours <= 0 ? "–" : $"{(_passed + _failed + _interrupted) / hours:0}";
        return $"pass {_passed} · fail {_failed} · interrupted {_interrupted} · yield {yield} · {rate} units/h · {_time.GetElapsedTime(_started):hh\\:mm\\:ss}";
    }

    private Table Render()
    {
        string caption = Markup.Escape(Totals());
        if (_halted is { Cause: var cause })
        {
            caption += $"\n[red]LINE STOPPED: {Markup.Escape(cause.Cause)}[/]\n[red]{Markup.Escape(cause.Remedy)}[/]";
        }

        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(_title)).Caption(caption);
        table.AddColumns("Slot", "Port", "State", "Progress", "Speed", "MAC", "Last verdict / what to do");
        foreach (var view in _slots.Values.OrderBy(v => v.Slot))
        {
            lock (view)
            {
                string state = view.Alarm ? $"[red]{Markup.Escape(view.State)}[/]" : view.State == "PASS" ? "[green]PASS[/]" : Markup.Escape(view.State);
                string verdict = view.Alarm ? $"[red]{Markup.Escape(view.Verdict)}[/]" : Markup.Escape(view.Verdict);
                table.AddRow(Markup.Escape(view.Label), Markup.Escape(view.Port), state, Bar(view.Progress),
                    view.Speed > 0 ? $"{view.Speed / 1024:0} KiB/s" : "", view.Mac, verdict);
            }
        }

        return table;
    }

    private static string Bar(double progress)
    {
        const int width = 12;
        int filled = (int)Math.Round(Math.Clamp(progress, 0, 1) * width);
        return $"[green]{new string('█', filled)}[/][grey]{new string('░', width - filled)}[/] {progress * 100,3:0}%";
    }
}
