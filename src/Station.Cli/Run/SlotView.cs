using Station.Flashing.Events;
using Station.Line.Events;
using Station.Traceability;

namespace Station.Cli.Run;

/// <summary>What the operator console shows for one slot, updated from line events.</summary>
public sealed class SlotView(int slot, string port)
{
    private long _writeStarted;
    private int _wireTotal;

    public int Slot { get; } = slot;

    public string Port { get; private set; } = port;

    /// <summary>The slot's name from the station file, once the slot said it.</summary>
    public string? Name { get; private set; }

    /// <summary>How the operator knows the slot: "3 · fixture A, slot 3", or just "3".</summary>
    public string Label => Name is null ? Slot.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Slot} · {Name}";

    public string State { get; private set; } = "starting";

    public double Progress { get; private set; }

    /// <summary>Bytes per second on the wire during the current write.</summary>
    public double Speed { get; private set; }

    public string Mac { get; private set; } = "";

    public string Verdict { get; private set; } = "";

    /// <summary>True when the verdict is a failure or a pause (shown in red).</summary>
    public bool Alarm { get; private set; }

    public void Apply(LineEvent e, TimeProvider time)
    {
        if (e is SlotEvent { Port: var port })
        {
            // A USB slot's device path can change when its board re-enumerates.
            Port = port;
        }

        switch (e)
        {
            case SlotStarted started:
                Name = started.Name;
                break;
            case SlotWaiting w:
                State = "waiting";
                Progress = 0;
                Speed = 0;
                Verdict = w.Instruction;
                Alarm = false;
                break;
            case UnitStarted s:
                State = s.Attempt == 1 ? $"unit {s.Unit}" : $"unit {s.Unit}, attempt {s.Attempt}";
                Progress = 0;
                Speed = 0;
                Mac = "";
                break;
            case UnitActivity { Inner: var inner }:
                ApplyFlash(inner, time);
                break;
            case UnitRetried r:
                State = $"retrying ({r.Kind}{(r.Baud is { } b ? $", {b} baud" : "")})";
                break;
            case UnitFinished f:
                State = f.Record.Result switch { UnitResult.Pass => "PASS", UnitResult.Fail => "FAIL", _ => "INTERRUPTED" };
                Progress = f.Record.Result == UnitResult.Pass ? 1 : Progress;
                Speed = 0;
                Mac = f.Record.Mac ?? Mac;
                Verdict = f.Record.Result == UnitResult.Pass ? f.Instruction : $"{f.Record.ErrorCode}: {f.Record.Cause}. {f.Instruction}";
                Alarm = f.Record.Result != UnitResult.Pass;
                break;
            case SlotPaused p:
                State = "PAUSED";
                Verdict = p.Instruction;
                Alarm = true;
                break;
            case SlotStopped:
                State = "stopped";
                Speed = 0;
                break;
        }
    }

    private void ApplyFlash(FlashEvent e, TimeProvider time)
    {
        switch (e)
        {
            case StepStarted s:
                State = s.Step switch
                {
                    FlashStep.Connect => "connecting",
                    FlashStep.Identify => "identifying",
                    FlashStep.ChangeBaud => "raising baud",
                    FlashStep.UploadStub => "loading stub",
                    FlashStep.AttachFlash => "attaching flash",
                    FlashStep.Write => $"writing {s.Detail}",
                    FlashStep.Verify => "verifying",
                    FlashStep.Reset => "restarting",
                    _ => s.Step.ToString(),
                };
                break;
            case DeviceIdentified d:
                Mac = d.Identity.Mac.ToString();
                break;
            case RegionStarted r:
                _wireTotal = r.WireSize;
                _writeStarted = time.GetTimestamp();
                Progress = 0;
                break;
            case WriteProgress p when _wireTotal > 0:
                Progress = (double)p.WireBytesSent / _wireTotal;
                double seconds = time.GetElapsedTime(_writeStarted).TotalSeconds;
                Speed = seconds > 0 ? p.WireBytesSent / seconds : 0;
                break;
        }
    }
}
