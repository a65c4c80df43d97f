using Station.Flashing.Device;
using Station.Flashing.Errors;
using Station.Flashing.Events;
using Station.Line.Events;
using Station.Traceability;

namespace Station.Line.Units;

/// <summary>
/// Listens to one unit attempt's flash events: forwards them to the line's event sink and keeps what
/// the record needs (identity, step times, retries, notices, the step in progress).
/// </summary>
internal sealed class UnitRecorder(int slot, string port, ILineEventSink line, TimeProvider time) : IFlashEventSink
{
    private readonly Lock _gate = new();
    private readonly List<RecordedEvent> _events = [];
    private readonly Dictionary<string, double> _stepSeconds = [];
    private readonly Dictionary<FlashStep, long> _stepStarts = [];
    private readonly Dictionary<int, uint> _regionAddresses = [];

    public DeviceIdentity? Identity { get; private set; }

    public int? Baud { get; set; }

    /// <summary>The step running now (for "interrupted during …").</summary>
    public string CurrentStep { get; private set; } = "connect";

    public int Retries { get; private set; }

    /// <summary>The write in progress when the attempt ended, for "how far it got": e.g. "0x10000 at 45 %"; null when none.</summary>
    public string? WriteInProgress { get; private set; }

    public IReadOnlyList<RecordedEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public IReadOnlyDictionary<string, double> StepSeconds
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, double>(_stepSeconds);
            }
        }
    }

    public void On(FlashEvent e)
    {
        lock (_gate)
        {
            switch (e)
            {
                case StepStarted s:
                    CurrentStep = StepName(s.Step);
                    _stepStarts[s.Step] = time.GetTimestamp();
                    break;
                case StepFinished f:
                    AddTime(StepName(f.Step), f.Elapsed);
                    _stepStarts.Remove(f.Step);
                    break;
                case StepFailed f:
                    if (_stepStarts.Remove(f.Step, out long started))
                    {
                        AddTime(StepName(f.Step), time.GetElapsedTime(started));
                    }

                    Keep(e.At, "step.failed", $"{StepName(f.Step)}: {f.Error.Cause}", f.Error.Code);
                    break;
                case DeviceIdentified d:
                    Identity = d.Identity;
                    break;
                case RegionStarted r:
                    _regionAddresses[r.Region] = r.Address;
                    WriteInProgress = $"0x{r.Address:X} at 0 %";
                    break;
                case WriteProgress p when p.WireBytesTotal > 0:
                    WriteInProgress = $"0x{_regionAddresses.GetValueOrDefault(p.Region):X} at {100L * p.WireBytesSent / p.WireBytesTotal} %";
                    break;
                case RegionWritten:
                    WriteInProgress = null;
                    break;
                case ConnectAttempted c:
                    Keep(e.At, "connect.attempt", $"attempt {c.Attempt} ({c.ResetStrategy ?? "no reset"}): {c.BootLogSummary}");
                    break;
                case BaudChanged b:
                    Baud = b.To;
                    Keep(e.At, "baud", $"{b.From} → {b.To}");
                    break;
                case Notice n:
                    Keep(e.At, "notice", n.Text, n.Key);
                    break;
                case BlockRetried b:
                    Retries++;
                    Keep(e.At, "retry.block", $"region {b.Region} block {b.Block} attempt {b.Attempt}: {b.Reason.Cause}", b.Reason.Code);
                    break;
                case RamBlockRetried r:
                    Retries++;
                    Keep(e.At, "retry.ram-block", $"stub upload block {r.Block} at 0x{r.Address:X} attempt {r.Attempt}: {r.Reason.Cause}", r.Reason.Code);
                    break;
                case RegionVerified v:
                    Keep(e.At, "verify", $"0x{v.Address:X} md5 {v.Md5}");
                    break;
                case RegionUnverified u:
                    Keep(e.At, "verify.unsupported", $"0x{u.Address:X}: {u.Reason}");
                    break;
            }
        }

        line.On(new UnitActivity(e.At, slot, port, e));
    }

    /// <summary>A retry decided by a line policy.</summary>
    public void Retry(string kind, int attempt, FlashError reason, int? baud)
    {
        lock (_gate)
        {
            Retries++;
            Keep(time.GetUtcNow(), "retry." + kind, $"attempt {attempt}{(baud is { } b ? $" at {b} baud" : "")}: {reason.Cause}", reason.Code);
        }

        line.On(new UnitRetried(time.GetUtcNow(), slot, port, kind, attempt, reason, baud));
    }

    public void Note(string kind, string text, string? code = null)
    {
        lock (_gate)
        {
            Keep(time.GetUtcNow(), kind, text, code);
        }
    }

    public void Time(string step, TimeSpan elapsed)
    {
        lock (_gate)
        {
            AddTime(step, elapsed);
        }
    }

    public void Enter(string step)
    {
        lock (_gate)
        {
            CurrentStep = step;
        }
    }

    private void Keep(DateTimeOffset at, string kind, string text, string? code = null) => _events.Add(new RecordedEvent(at, kind, text, code));

    private void AddTime(string step, TimeSpan elapsed) =>
        _stepSeconds[step] = (_stepSeconds.TryGetValue(step, out double s) ? s : 0) + elapsed.TotalSeconds;

    private static string StepName(FlashStep step) => step switch
    {
        FlashStep.Connect => "connect",
        FlashStep.Identify => "identify",
        FlashStep.ChangeBaud => "baud",
        FlashStep.UploadStub => "stub",
        FlashStep.AttachFlash => "attach",
        FlashStep.Write => "write",
        FlashStep.Verify => "verify",
        FlashStep.Read => "read",
        FlashStep.Erase => "erase",
        FlashStep.Reset => "reset",
        _ => step.ToString().ToLowerInvariant(),
    };
}
