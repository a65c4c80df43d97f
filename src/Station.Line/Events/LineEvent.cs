using Station.Flashing.Errors;
using Station.Flashing.Events;
using Station.Profiles;
using Station.Traceability;

namespace Station.Line.Events;

/// <summary>
/// What happens on the line, for the operator console and the logs. Per slot, in order: SlotStarted, SlotWaiting*
/// (until a unit is there), then per attempt UnitStarted, UnitActivity*/UnitRetried*, UnitFinished
/// (only after the record is durable); SlotPaused when the slot breaker trips; LineHalted (once per job) when a
/// failure stops the whole line; SlotStopped last.
/// </summary>
public abstract record LineEvent(DateTimeOffset At);

/// <summary>An event about one slot (1-based) and its port.</summary>
public abstract record SlotEvent(DateTimeOffset At, int Slot, string Port) : LineEvent(At);

/// <summary>A slot's worker started (first event of every slot, also of a slot whose port appeared during the job); <paramref name="Name"/> is its name from the station file.</summary>
public sealed record SlotStarted(DateTimeOffset At, int Slot, string Port, string? Name) : SlotEvent(At, Slot, Port);

/// <summary>The slot has no unit to work on; <paramref name="Instruction"/> tells the operator what to do.</summary>
public sealed record SlotWaiting(DateTimeOffset At, int Slot, string Port, string Instruction) : SlotEvent(At, Slot, Port);

public sealed record UnitStarted(DateTimeOffset At, int Slot, string Port, int Unit, int Attempt) : SlotEvent(At, Slot, Port);

/// <summary>A flashing event of the unit in this slot (steps, progress, identity, notices).</summary>
public sealed record UnitActivity(DateTimeOffset At, int Slot, string Port, FlashEvent Inner) : SlotEvent(At, Slot, Port);

/// <summary>A retry decided by the line's policies: kind is "connect", "region" or "unit".</summary>
public sealed record UnitRetried(DateTimeOffset At, int Slot, string Port, string Kind, int Attempt, FlashError Reason, int? Baud) : SlotEvent(At, Slot, Port);

/// <summary>The unit attempt ended and its record is durable; <paramref name="Instruction"/> is what the operator does next.</summary>
public sealed record UnitFinished(DateTimeOffset At, int Slot, string Port, UnitRecord Record, string Instruction) : SlotEvent(At, Slot, Port);

/// <summary>Too many consecutive failures: the slot waits so someone can check the fixture or cable.</summary>
public sealed record SlotPaused(DateTimeOffset At, int Slot, string Port, string Instruction, TimeSpan Pause) : SlotEvent(At, Slot, Port);

public sealed record SlotStopped(DateTimeOffset At, int Slot, string Port, string Reason) : SlotEvent(At, Slot, Port);

/// <summary>
/// A failure no next unit can escape ended the job early: no slot starts another unit. Raised once,
/// by the slot whose unit met it; <paramref name="Cause"/> says what and what to do.
/// </summary>
public sealed record LineHalted(DateTimeOffset At, int Slot, string Port, FlashError Cause) : SlotEvent(At, Slot, Port);

/// <summary>
/// The job's images are ready: <paramref name="ImageBytes"/> to place in flash, <paramref name="WireBytes"/> of
/// compressed data to send each unit, made with <paramref name="Compression"/> in <paramref name="Elapsed"/> (once per job).
/// </summary>
public sealed record JobPrepared(DateTimeOffset At, int Regions, long ImageBytes, long WireBytes, ImageCompression Compression, TimeSpan Elapsed) : LineEvent(At);

/// <summary>Totals when the job ends.</summary>
public sealed record JobFinished(DateTimeOffset At, int Units, int Passed, int Failed, int Interrupted, TimeSpan Elapsed) : LineEvent(At);

/// <summary>Receives line events; called from slot workers concurrently, so implementations must be thread-safe.</summary>
public interface ILineEventSink
{
    void On(LineEvent e);
}
