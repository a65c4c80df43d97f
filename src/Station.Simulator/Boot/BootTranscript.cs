using System.Globalization;

namespace Station.Simulator.Boot;

/// <summary>One piece of boot output and the work the chip does before it (spent as real delay with pacing on).</summary>
public readonly record struct BootOutput(TimeSpan WorkBefore, string Text);

/// <summary>
/// Collects boot output and keeps the chip's time since reset, so ESP-IDF log lines carry
/// deterministic, plausible timestamps: the clock advances by the wire time of every byte printed at
/// 115200 baud (the UART is what paces a real boot log: a 70-character line takes about 6 ms, which
/// is the step seen between real lines) plus modelled work (loading and hashing segments).
/// Lines end in CR LF: the ROM's printf and IDF's console both turn "\n" into "\r\n".
/// </summary>
public sealed class BootTranscript
{
    public const int ConsoleBaud = 115200;

    private readonly List<BootOutput> _output = [];
    private TimeSpan _elapsed;
    private TimeSpan _pendingWork;

    public IReadOnlyList<BootOutput> Output => _output;

    /// <summary>Time since reset, including work not yet followed by output.</summary>
    public TimeSpan Elapsed => _elapsed + _pendingWork;

    /// <summary>Everything printed so far.</summary>
    public string Text => string.Concat(_output.Select(o => o.Text));

    /// <summary>The chip is busy for <paramref name="duration"/> before its next output.</summary>
    public void Work(TimeSpan duration) => _pendingWork += duration;

    /// <summary>Raw text (ROM output).</summary>
    public void Raw(string text)
    {
        _output.Add(new BootOutput(_pendingWork, text));
        _elapsed += _pendingWork + WireTime(text.Length);
        _pendingWork = TimeSpan.Zero;
    }

    public void Info(string tag, string message) => Log('I', tag, message);

    public void Warn(string tag, string message) => Log('W', tag, message);

    public void Error(string tag, string message) => Log('E', tag, message);

    /// <summary>An ESP-IDF log line: <c>L (ms) tag: message</c>, ms truncated as esp_log_early_timestamp does.</summary>
    public void Log(char level, string tag, string message)
    {
        long ms = (long)Elapsed.TotalMilliseconds;
        Raw(string.Create(CultureInfo.InvariantCulture, $"{level} ({ms}) {tag}: {message}\r\n"));
    }

    private static TimeSpan WireTime(int bytes) => TimeSpan.FromSeconds(bytes * 10.0 / ConsoleBaud);
}
