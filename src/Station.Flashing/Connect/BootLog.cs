using System.Text;
using System.Text.RegularExpressions;

namespace Station.Flashing.Connect;

/// <summary>
/// What the chip printed after a reset. The ROM banner tells "booted the app" (<c>boot:0x13</c>)
/// from "in download mode" (<c>waiting for download</c>), which is how a failed connect is diagnosed.
/// </summary>
public sealed partial record BootLog(string Text)
{
    public static readonly BootLog Empty = new(string.Empty);

    /// <summary>The strapping value from <c>boot:0x..</c>, or null when no banner was seen.</summary>
    public string? BootMode => BootPattern().Match(Text) is { Success: true } m ? m.Groups[1].Value : null;

    public bool WaitingForDownload => BootPattern().Match(Text) is { Success: true } m && m.Groups[2].Success;

    /// <summary>Signs of a crashing application on the line (F9: fresh boards flood the UART).</summary>
    public bool ShowsCrash => Text.Contains("Guru Meditation", StringComparison.Ordinal) || Text.Contains("Fatal exception", StringComparison.Ordinal);

    public bool IsEmpty => Text.Length == 0;

    public static BootLog FromBytes(ReadOnlySpan<byte> bytes) => new(Encoding.Latin1.GetString(bytes));

    public string Summary => this switch
    {
        { IsEmpty: true } => "no output",
        { BootMode: { } mode, WaitingForDownload: true } => $"download mode (boot:{mode})",
        { BootMode: { } mode } => $"application boot (boot:{mode})",
        { ShowsCrash: true } => $"{Text.Length} bytes of output with a crash report",
        _ => $"{Text.Length} bytes of other output",
    };

    [GeneratedRegex(@"boot:(0x[0-9a-fA-F]+)([\s\S]*?waiting for download)?")]
    private static partial Regex BootPattern();
}
