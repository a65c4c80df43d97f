using System.Text;
using System.Text.RegularExpressions;
using Station.Transport.Links;

namespace Station.Flashing.Device;

/// <summary>What was read from the app's serial log.</summary>
/// <param name="MatchedLine">The line that matched the pattern, or null when it never appeared.</param>
/// <param name="Tail">The last lines read (for the record of a failed check).</param>
public sealed record SerialLogResult(string? MatchedLine, string Tail)
{
    public bool Matched => MatchedLine is not null;
}

/// <summary>
/// Reads a chip's serial output as text (after a restart into the app) until a pattern appears or
/// time runs out. ANSI colour codes are stripped; lines are matched as they complete.
/// </summary>
public static partial class SerialLog
{
    private const int TailLines = 20;

    public static async Task<SerialLogResult> WaitForAsync(
        IByteLink link, byte[] alreadyRead, Regex pattern, TimeSpan within, TimeProvider time, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        var current = new StringBuilder();
        using var timer = new CancellationTokenSource(within, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        var buffer = new byte[1024];
        ReadOnlyMemory<byte> chunk = alreadyRead;
        while (true)
        {
            if (Feed(chunk.Span, current, lines, pattern) is { } matched)
            {
                return new SerialLogResult(matched, Tail(lines, current));
            }

            try
            {
                int n = await link.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
                chunk = buffer.AsMemory(0, n);
            }
            catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                string partial = Clean(current.ToString());
                return pattern.IsMatch(partial) ? new SerialLogResult(partial, Tail(lines, current)) : new SerialLogResult(null, Tail(lines, current));
            }
        }
    }

    private static string? Feed(ReadOnlySpan<byte> bytes, StringBuilder current, List<string> lines, Regex pattern)
    {
        foreach (byte b in bytes)
        {
            if (b == (byte)'\n')
            {
                string line = Clean(current.ToString());
                current.Clear();
                lines.Add(line);
                if (lines.Count > TailLines * 4)
                {
                    lines.RemoveRange(0, lines.Count - TailLines);
                }

                if (pattern.IsMatch(line))
                {
                    return line;
                }
            }
            else if (b != (byte)'\r')
            {
                current.Append((char)b);
            }
        }

        return null;
    }

    private static string Tail(List<string> lines, StringBuilder current)
    {
        var tail = lines.Skip(Math.Max(0, lines.Count - TailLines)).ToList();
        if (current.Length > 0)
        {
            tail.Add(Clean(current.ToString()));
        }

        return string.Join('\n', tail);
    }

    private static string Clean(string line) => AnsiEscape().Replace(line, string.Empty);

    [GeneratedRegex(@"\x1B\[[0-9;]*m")]
    private static partial Regex AnsiEscape();
}
