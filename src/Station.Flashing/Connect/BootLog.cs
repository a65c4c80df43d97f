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

    /// <summary>The ESP32-family reset cause of a brownout (<c>rst:0xf</c>).</summary>
    public const string BrownoutCause = "0xf";

    /// <summary>
    /// The reset cause from a ROM banner: <c>0xf</c> from ESP32-family <c>rst:0xf (…)</c>, <c>1</c> from the
    /// ESP8266's <c>rst cause:1</c>; null when no banner was seen.
    /// </summary>
    public string? ResetCause => ResetPattern().Match(Text) is { Success: true } m
        ? (m.Groups["esp32"].Success ? m.Groups["esp32"].Value.ToLowerInvariant() : m.Groups["esp8266"].Value)
        : null;

    /// <summary>The strapping value from <c>boot:0x..</c>, or null when no banner was seen.</summary>
    public string? BootMode => BootPattern().Match(Text) is { Success: true } m ? m.Groups[1].Value : null;

    public bool WaitingForDownload => BootPattern().Match(Text) is { Success: true } m && m.Groups[2].Success;

    /// <summary>Signs of a crashing application on the line (F9: fresh boards flood the UART).</summary>
    public bool ShowsCrash => Text.Contains("Guru Meditation", StringComparison.Ordinal) || Text.Contains("Fatal exception", StringComparison.Ordinal);

    public bool IsEmpty => Text.Length == 0;

    public static BootLog FromBytes(ReadOnlySpan<byte> bytes) => new(Encoding.Latin1.GetString(bytes));

    /// <summary>
    /// True once the text holds a whole download-mode banner (<c>boot:0x..</c> … <c>waiting for download</c> and its line
    /// end): the ROM prints nothing after it, so there is no need to wait for the line to go quiet.
    /// </summary>
    public static bool EndsInDownloadMode(List<byte> text)
    {
        ReadOnlySpan<byte> span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(text);
        int at = span.LastIndexOf("waiting for download"u8);
        return at >= 0 && span[at..].Contains((byte)'\n') && span[..at].IndexOf("boot:0x"u8) >= 0;
    }

    public string Summary => this switch
    {
        { IsEmpty: true } => "no output",
        { BootMode: { } mode, WaitingForDownload: true } => $"download mode (boot:{mode})",
        { BootMode: { } mode } => $"application boot (boot:{mode})",
        { ShowsCrash: true } => $"{Text.Length} bytes of output with a crash report",
        _ => $"{Text.Length} bytes of other output",
    };

    [GeneratedRegex(@"rst:(?<esp32>0x[0-9a-fA-F]+)|rst cause:(?<esp8266>\d+)")]
    private static partial Regex ResetPattern();

    [GeneratedRegex(@"boot:(0x[0-9a-fA-F]+)([\s\S]*?waiting for download)?")]
    private static partial Regex BootPattern();
}
