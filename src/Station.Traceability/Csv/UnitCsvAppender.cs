namespace Station.Traceability.Csv;

/// <summary>
/// <c>units.csv</c> held open for appending, one complete row per write, each fsynced before the write
/// returns. Opening checks the header and cuts a torn last row; a failed append is undone so that a
/// partial row never sits in front of later rows. Callers serialise appends (see <see cref="BatchRecordWriter"/>).
/// </summary>
internal sealed class UnitCsvAppender : IAsyncDisposable
{
    private static readonly byte[] Header = UnitCsvFormat.Encoding.GetBytes(UnitCsvFormat.HeaderLine);
    private readonly FileStream stream;
    private bool broken;

    private UnitCsvAppender(FileStream stream, UnitCsvOpened opened)
    {
        this.stream = stream;
        Opened = opened;
    }

    public UnitCsvOpened Opened { get; }

    public static async Task<UnitCsvAppender> OpenAsync(string path, CancellationToken cancellationToken)
    {
        // Readers may look while the station writes; only this process appends.
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        try
        {
            var opened = await PrepareAsync(stream, path, cancellationToken).ConfigureAwait(false);
            if (opened.Created)
            {
                // The header is on disk; make the file's name durable too.
                Files.DirectoryEntries.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
            }

            return new UnitCsvAppender(stream, opened);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Appends one complete row and fsyncs it. Not cancellable once started: a row is all or nothing.</summary>
    public async Task AppendAsync(ReadOnlyMemory<byte> row)
    {
        if (broken)
        {
            throw new IOException($"{stream.Name}: an earlier append failed and could not be undone; reopen the batch so the torn row is repaired.");
        }

        long end = stream.Length;
        try
        {
            stream.Position = end;
            await stream.WriteAsync(row, CancellationToken.None).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            Undo(end);
            throw;
        }
    }

    public ValueTask DisposeAsync() => stream.DisposeAsync();

    private void Undo(long end)
    {
        try
        {
            stream.SetLength(end);
            stream.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            broken = true;
        }
    }

    private static async Task<UnitCsvOpened> PrepareAsync(FileStream stream, string path, CancellationToken cancellationToken)
    {
        long length = stream.Length;
        long complete = await CompleteRows.LengthAsync(stream, cancellationToken).ConfigureAwait(false);
        bool freshHeader = complete == 0;
        if (freshHeader && length > 0 && !IsTornHeader(await ReadAsync(stream, 0, length, cancellationToken).ConfigureAwait(false)))
        {
            throw Foreign(path, await ReadAsync(stream, 0, length, cancellationToken).ConfigureAwait(false));
        }

        if (!freshHeader)
        {
            byte[] first = await ReadAsync(stream, 0, Math.Min(complete, Header.Length), cancellationToken).ConfigureAwait(false);
            if (!first.AsSpan().SequenceEqual(Header))
            {
                throw Foreign(path, await ReadFirstLineAsync(stream, complete, cancellationToken).ConfigureAwait(false));
            }
        }

        byte[] removed = await ReadAsync(stream, complete, length - complete, cancellationToken).ConfigureAwait(false);
        if (removed.Length > 0)
        {
            stream.SetLength(complete);
        }

        if (freshHeader)
        {
            stream.Position = 0;
            await stream.WriteAsync(Header, cancellationToken).ConfigureAwait(false);
        }

        if (removed.Length > 0 || freshHeader)
        {
            stream.Flush(flushToDisk: true);
        }

        return new UnitCsvOpened(path, freshHeader, removed.Length, UnitCsvFormat.Encoding.GetString(removed));
    }

    // A crash while the header was written leaves a prefix of it, or NULs after a power cut.
    private static bool IsTornHeader(byte[] content)
    {
        if (content.Length > Header.Length)
        {
            return false;
        }

        for (int i = 0; i < content.Length; i++)
        {
            if (content[i] != Header[i] && content[i] != 0)
            {
                return false;
            }
        }

        return true;
    }

    private static RecordFileException Foreign(string path, byte[] firstLine)
    {
        string[] found = UnitCsvFormat.Encoding.GetString(firstLine).TrimEnd('\n', '\r').Split(',');
        var expected = UnitCsvRowMap.ColumnNames;
        int differs = Enumerable.Range(0, Math.Max(found.Length, expected.Count))
            .First(i => i >= found.Length || i >= expected.Count || found[i] != expected[i]);
        string detail = differs < found.Length && differs < expected.Count
            ? $"column {differs + 1} is '{Shorten(found[differs])}' where this station writes '{expected[differs]}'"
            : differs < expected.Count
                ? $"it has {found.Length} columns, this station writes {expected.Count} (first missing: '{expected[differs]}')"
                : $"it has {found.Length} columns, this station writes {expected.Count} (first extra: '{Shorten(found[differs])}')";
        return new RecordFileException(path, $"its header is not the layout this station writes ({detail}). Appending would mix two layouts in one file: move the file aside or use a new batch name.");
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static async Task<byte[]> ReadFirstLineAsync(FileStream stream, long limit, CancellationToken cancellationToken)
    {
        byte[] start = await ReadAsync(stream, 0, Math.Min(limit, 64 * 1024), cancellationToken).ConfigureAwait(false);
        int newline = Array.IndexOf(start, (byte)'\n');
        return newline < 0 ? start : start[..newline];
    }

    private static async Task<byte[]> ReadAsync(FileStream stream, long offset, long count, CancellationToken cancellationToken)
    {
        byte[] bytes = new byte[count];
        stream.Position = offset;
        await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        return bytes;
    }
}
