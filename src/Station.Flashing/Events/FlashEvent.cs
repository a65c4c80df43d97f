using Station.Flashing.Errors;

namespace Station.Flashing.Events;

/// <summary>The steps of flashing one device, in the order they run.</summary>
public enum FlashStep
{
    Connect,
    Identify,
    ChangeBaud,
    UploadStub,
    AttachFlash,
    Write,
    Verify,
    Read,
    Erase,
    Reset,
}

/// <summary>
/// Everything that happens while flashing one device, as typed records. Order: StepStarted and
/// StepFinished bracket each step; progress and retry events fall inside their step; a StepFailed
/// is the last event of a failed operation (nothing follows it).
/// </summary>
public abstract record FlashEvent(DateTimeOffset At);

public sealed record StepStarted(DateTimeOffset At, FlashStep Step, string Detail) : FlashEvent(At);

public sealed record StepFinished(DateTimeOffset At, FlashStep Step, TimeSpan Elapsed) : FlashEvent(At);

public sealed record StepFailed(DateTimeOffset At, FlashStep Step, FlashError Error) : FlashEvent(At);

/// <summary>One connect attempt: the reset strategy used (null when the link cannot reset) and what the boot log showed.</summary>
public sealed record ConnectAttempted(DateTimeOffset At, int Attempt, string? ResetStrategy, string BootLogSummary) : FlashEvent(At);

public sealed record DeviceIdentified(DateTimeOffset At, Device.DeviceIdentity Identity) : FlashEvent(At);

public sealed record BaudChanged(DateTimeOffset At, int From, int To) : FlashEvent(At);

/// <summary>Something the operator or engineer should know that is not a failure.</summary>
public sealed record Notice(DateTimeOffset At, string Key, string Text) : FlashEvent(At);

/// <summary>A region is about to be written.</summary>
public sealed record RegionStarted(DateTimeOffset At, int Region, uint Address, int Size, int WireSize, bool Compressed) : FlashEvent(At);

/// <summary>Bytes of the region acknowledged by the device so far.</summary>
public sealed record WriteProgress(DateTimeOffset At, int Region, int WireBytesSent, int WireBytesTotal, int Block, int Blocks) : FlashEvent(At);

public sealed record BlockRetried(DateTimeOffset At, int Region, int Block, int Attempt, FlashError Reason) : FlashEvent(At);

/// <summary>A MEM_DATA block of the stub upload was rejected as corrupted on arrival (field failure F1) and is sent again.</summary>
public sealed record RamBlockRetried(DateTimeOffset At, uint Address, int Block, int Attempt, FlashError Reason) : FlashEvent(At);

public sealed record RegionWritten(DateTimeOffset At, int Region, uint Address, TimeSpan Elapsed) : FlashEvent(At);

public sealed record RegionVerified(DateTimeOffset At, int Region, uint Address, string Md5) : FlashEvent(At);

/// <summary>A region was written but could not be verified (e.g. ESP8266 ROM has no MD5 command).</summary>
public sealed record RegionUnverified(DateTimeOffset At, int Region, uint Address, string Reason) : FlashEvent(At);

public sealed record ReadProgress(DateTimeOffset At, int BytesRead, int Total) : FlashEvent(At);

/// <summary>Receives flash events; implementations must be quick and thread-safe per device.</summary>
public interface IFlashEventSink
{
    void On(FlashEvent e);
}

/// <summary>A sink that drops everything.</summary>
public sealed class NoFlashEvents : IFlashEventSink
{
    public static readonly NoFlashEvents Instance = new();

    public void On(FlashEvent e)
    {
    }
}
