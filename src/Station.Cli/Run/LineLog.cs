using Serilog;
using Serilog.Events;
using Station.Flashing.Events;
using Station.Line.Events;
using Station.Traceability;

namespace Station.Cli.Run;

/// <summary>
/// Line events as Serilog events: every event goes to the batch's structured log file (JSON lines)
/// with Slot, Port, Mac and Step properties; verdicts, retries, waits and pauses also go to the
/// concise console log when the live table is not shown.
/// </summary>
public sealed class LineLog : ILineEventSink, IDisposable
{
    private readonly Serilog.Core.Logger _file;
    private readonly Serilog.Core.Logger? _console;
    private readonly Dictionary<int, string> _macs = [];
    private readonly Dictionary<int, string> _names = [];
    private readonly Lock _gate = new();

    public LineLog(string logFile, bool consoleLines)
    {
        _file = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .WriteTo.File(new Serilog.Formatting.Json.JsonFormatter(renderMessage: true), logFile, flushToDiskInterval: TimeSpan.FromSeconds(1))
            .CreateLogger();
        _console = consoleLines
            ? new LoggerConfiguration()
                .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Message:lj}{NewLine}", formatProvider: System.Globalization.CultureInfo.InvariantCulture)
                .CreateLogger()
            : null;
    }

    public void On(LineEvent e)
    {
        var (level, step, message, args, concise) = Describe(e);
        var logger = _file.ForContext("Step", step);
        if (e is SlotEvent s)
        {
            string? mac = TrackMac(s);
            logger = logger.ForContext("Slot", s.Slot).ForContext("Port", s.Port).ForContext("Mac", mac);
            if (Name(s) is { } name)
            {
                logger = logger.ForContext("SlotName", name);
            }
        }

        logger.Write(level, message, args);
        if (concise && _console is not null)
        {
            string prefix = e is SlotEvent slot ? Name(slot) is { } n ? $"slot {slot.Slot} ({n}): " : $"slot {slot.Slot}: " : "";
            _console.Write(level, prefix + message, args);
        }
    }

    public void Dispose()
    {
        _file.Dispose();
        _console?.Dispose();
    }

    /// <summary>The slot's name, as its SlotStarted event said.</summary>
    private string? Name(SlotEvent e)
    {
        lock (_gate)
        {
            if (e is SlotStarted { Name: { } name })
            {
                _names[e.Slot] = name;
            }

            return _names.GetValueOrDefault(e.Slot);
        }
    }

    private string? TrackMac(SlotEvent e)
    {
        lock (_gate)
        {
            switch (e)
            {
                case UnitStarted:
                    _macs.Remove(e.Slot);
                    break;
                case UnitActivity { Inner: DeviceIdentified d }:
                    _macs[e.Slot] = d.Identity.Mac.ToString();
                    break;
            }

            return _macs.GetValueOrDefault(e.Slot);
        }
    }

    private static (LogEventLevel Level, string Step, string Message, object?[] Args, bool Concise) Describe(LineEvent e) => e switch
    {
        SlotStarted s => (LogEventLevel.Information, "start", "slot started on {Port}", [s.Port], false),
        SlotWaiting w => (LogEventLevel.Information, "wait", "{Instruction}", [w.Instruction], true),
        UnitStarted s => (LogEventLevel.Information, "unit", "unit {Unit} attempt {Attempt} started", [s.Unit, s.Attempt], false),
        UnitRetried r => (LogEventLevel.Warning, "retry", "{Kind} retry {Attempt}: {Code} {Cause}", [r.Kind, r.Attempt, r.Reason.Code, r.Reason.Cause], true),
        UnitFinished { Record: { Result: UnitResult.Pass } rec } f => (LogEventLevel.Information, "verdict",
            "PASS unit {Unit} {Mac} — {Instruction}", [rec.UnitNumber, rec.Mac, f.Instruction], true),
        UnitFinished { Record: var rec } f => (LogEventLevel.Error, "verdict",
            "{Result} unit {Unit} {Mac}: {Code} {Cause} — {Instruction}", [rec.Result.ToString().ToUpperInvariant(), rec.UnitNumber, rec.Mac ?? "(no MAC)", rec.ErrorCode, rec.Cause, f.Instruction], true),
        SlotPaused p => (LogEventLevel.Warning, "pause", "PAUSED for {Seconds} s: {Instruction}", [p.Pause.TotalSeconds, p.Instruction], true),
        LineHalted h => (LogEventLevel.Error, "halt", "LINE STOPPED: {Code} {Cause} — {Remedy}", [h.Cause.Code, h.Cause.Cause, h.Cause.Remedy], true),
        SlotStopped s => (LogEventLevel.Information, "stop", "stopped: {Reason}", [s.Reason], false),
        JobPrepared p => (LogEventLevel.Information, "job", "images ready: {Regions} regions, {ImageBytes} bytes, {WireBytes} bytes to send per unit (compression {Compression}: {Seconds:0.0} s)",
            [p.Regions, p.ImageBytes, p.WireBytes, p.Compression.ToString().ToLowerInvariant(), p.Elapsed.TotalSeconds], true),
        JobFinished j => (LogEventLevel.Information, "job", "job finished: {Units} units, {Passed} passed, {Failed} failed, {Interrupted} interrupted in {Elapsed}",
            [j.Units, j.Passed, j.Failed, j.Interrupted, j.Elapsed], true),
        UnitActivity { Inner: var inner } => Activity(inner),
        _ => (LogEventLevel.Debug, "other", "{Event}", [e.ToString()], false),
    };

    private static (LogEventLevel, string, string, object?[], bool) Activity(FlashEvent inner) => inner switch
    {
        StepStarted s => (LogEventLevel.Debug, s.Step.ToString(), "{Step} started: {Detail}", [s.Step, s.Detail], false),
        StepFinished f => (LogEventLevel.Debug, f.Step.ToString(), "{Step} finished in {Seconds:0.000} s", [f.Step, f.Elapsed.TotalSeconds], false),
        StepFailed f => (LogEventLevel.Warning, f.Step.ToString(), "{Step} failed: {Code} {Cause}", [f.Step, f.Error.Code, f.Error.Cause], false),
        DeviceIdentified d => (LogEventLevel.Information, "Identify", "{Description} MAC {Mac}", [d.Identity.Description, d.Identity.Mac.ToString()], false),
        Notice n => (LogEventLevel.Information, "notice", "{Text}", [n.Text], false),
        WriteProgress or ReadProgress => (LogEventLevel.Verbose, "Write", "{Event}", [inner.ToString()], false),
        _ => (LogEventLevel.Debug, inner.GetType().Name, "{Event}", [inner.ToString()], false),
    };
}
