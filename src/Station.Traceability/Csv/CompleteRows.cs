namespace Station.Traceability.Csv;

/// <summary>
/// Where the complete rows of an append-only, one-row-per-line file end. A crash while appending can
/// leave a prefix of the last row (no final newline), and a power cut can leave a last line with NUL
/// bytes where the data never reached the disk; neither is a complete row. Complete rows never hold
/// a NUL or a newline inside them (<see cref="UnitCsvRow.From"/> keeps text on one line), so this is
/// exact for files this station writes.
/// </summary>
public static class CompleteRows
{
    private const int FirstWindow = 64 * 1024;

    /// <summary>
    /// The length of the prefix made of complete lines, given the file's last bytes.
    /// </summary>
    /// <param name="tail">The last bytes of the file.</param>
    /// <param name="tailStart">Offset of <paramref name="tail"/> in the file.</param>
    /// <returns>The length, or null when <paramref name="tail"/> does not reach back far enough to tell (read a longer tail).</returns>
    public static long? Length(ReadOnlySpan<byte> tail, long tailStart)
    {
        bool wholeFile = tailStart == 0;
        int lastNewline = tail.LastIndexOf((byte)'\n');
        if (lastNewline < 0)
        {
            return wholeFile ? 0 : null;
        }

        int lineStart = tail[..lastNewline].LastIndexOf((byte)'\n') + 1;
        if (lineStart == 0 && !wholeFile)
        {
            return null;
        }

        bool lastLineTorn = tail[lineStart..lastNewline].Contains((byte)0);
        return tailStart + (lastLineTorn ? lineStart : lastNewline + 1);
    }

    /// <summary>The length of the complete-line prefix of a seekable stream, reading only as much of its end as needed.</summary>
    public static async Task<long> LengthAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long length = stream.Length;
        for (long window = FirstWindow; ; window *= 2)
        {
            long start = Math.Max(0, length - window);
            byte[] tail = new byte[length - start];
            stream.Position = start;
            await stream.ReadExactlyAsync(tail, cancellationToken).ConfigureAwait(false);
            if (Length(tail, start) is { } complete)
            {
                return complete;
            }
        }
    }
}
