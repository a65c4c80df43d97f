using Station.Traceability.Csv;
using Station.Traceability.Files;
using Station.Traceability.Json;

namespace Station.Traceability;

/// <summary>
/// The station's record sink for one batch: appends every attempt to <c>&lt;reports&gt;/&lt;batch&gt;/units.csv</c>
/// and keeps <c>by-mac/&lt;MAC&gt;.json</c> (e.g. <c>by-mac/24-0A-C4-12-34-56.json</c>) with the unit's full
/// history in the batch. Safe for all slots to call at once; one writer per batch, enforced across processes by a lock file.
/// </summary>
/// <remarks>
/// <para><b>Durability.</b> <see cref="WriteAsync"/> returns only when the record is on disk in both places:</para>
/// <list type="number">
/// <item>The CSV row is formatted in memory, then written in one append to the file and fsynced
/// (<c>Flush(flushToDisk: true)</c>). A crash during the append leaves at most one torn row at the very end
/// of the file; rows written earlier are never touched. <see cref="OpenAsync"/> cuts such a tail (everything
/// after the last newline, or a last line holding NULs from a power cut) and reports it in
/// <see cref="Opened"/>; <see cref="UnitCsvReader"/> skips it without changing the file. A failed append
/// (disk full) is truncated away before the error is thrown, so a partial row never ends up between whole ones.</item>
/// <item>The by-mac history is re-read, the record added, and the whole file written as <c>&lt;name&gt;.json.tmp</c>,
/// fsynced, renamed over <c>&lt;name&gt;.json</c> (atomic) and the directory fsynced. A crash before the rename
/// leaves the previous history intact plus a stray <c>.tmp</c>, which readers never open and the next write
/// for that MAC replaces; after the rename the new history is complete.</item>
/// <item>A crash between the two steps leaves the attempt in <c>units.csv</c> but not yet in by-mac; the slot
/// had not shown its verdict, so nobody acted on it. New files and directories are made durable by fsyncing
/// their parent directory.</item>
/// </list>
/// <para>Cancellation is honoured until the CSV row is written; after that the write completes, so a
/// record is never left half-stored because its slot was cancelled.</para>
/// <para>Concurrency: CSV appends are serialised within the process; by-mac files are serialised per MAC.
/// Records without a MAC (failed before identification) go to the CSV only.</para>
/// </remarks>
public sealed class BatchRecordWriter : IRecordSink, IAsyncDisposable
{
    private const int MacLockStripes = 64;

    private readonly UnitCsvAppender csv;
    private readonly BatchWriterLock writerLock;
    private readonly SemaphoreSlim csvLock = new(1, 1);
    private readonly SemaphoreSlim[] macLocks = [.. Enumerable.Range(0, MacLockStripes).Select(_ => new SemaphoreSlim(1, 1))];
    private bool disposed;

    private BatchRecordWriter(string batch, string batchDirectory, UnitCsvAppender csv, BatchWriterLock writerLock)
    {
        Batch = batch;
        BatchDirectory = batchDirectory;
        this.csv = csv;
        this.writerLock = writerLock;
    }

    public string Batch { get; }

    /// <summary><c>&lt;reports&gt;/&lt;batch&gt;</c>.</summary>
    public string BatchDirectory { get; }

    public string CsvPath => Path.Combine(BatchDirectory, UnitCsvFormat.FileName);

    /// <summary>What opening found: a new file, a whole one, or a torn last row that was cut (log <see cref="UnitCsvOpened.Describe"/>).</summary>
    public UnitCsvOpened Opened => csv.Opened;

    /// <summary>
    /// Opens (creating as needed) <c>&lt;reportsDirectory&gt;/&lt;batch&gt;/</c>, repairing a torn last CSV row.
    /// Throws <see cref="RecordFileException"/> when an existing <c>units.csv</c> has another column layout, or
    /// another process is writing the batch (it would cut that process's row in flight as a torn tail).
    /// </summary>
    public static async Task<BatchRecordWriter> OpenAsync(string reportsDirectory, string batch, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reportsDirectory);
        BatchName.Validate(batch);
        string batchDirectory = Path.Combine(Path.GetFullPath(reportsDirectory), batch);
        DirectoryEntries.Create(Path.Combine(batchDirectory, UnitHistoryFile.Directory));
        var writerLock = BatchWriterLock.Acquire(batchDirectory, batch);
        try
        {
            var csv = await UnitCsvAppender.OpenAsync(Path.Combine(batchDirectory, UnitCsvFormat.FileName), cancellationToken).ConfigureAwait(false);
            return new BatchRecordWriter(batch, batchDirectory, csv, writerLock);
        }
        catch
        {
            writerLock.Dispose();
            throw;
        }
    }

    /// <summary>Stores <paramref name="record"/> durably in units.csv and, when it has a MAC, in its by-mac history.</summary>
    public async Task WriteAsync(UnitRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Batch != Batch)
        {
            throw new ArgumentException($"Record {record.RecordId} belongs to batch '{record.Batch}', this writer to '{Batch}'.", nameof(record));
        }

        // Check everything that could reject the record before anything is written.
        string? mac = record.Mac is null ? null : MacAddressText.Normalize(record.Mac);
        byte[] row = UnitCsvFormat.Encoding.GetBytes(UnitCsvFormat.FormatRow(UnitCsvRow.From(record)));

        await csvLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            await csv.AppendAsync(row).ConfigureAwait(false);
        }
        finally
        {
            csvLock.Release();
        }

        if (mac is not null)
        {
            await AddToHistoryAsync(mac, record).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await csvLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!disposed)
            {
                disposed = true;
                await csv.DisposeAsync().ConfigureAwait(false);
                writerLock.Dispose();
            }
        }
        finally
        {
            csvLock.Release();
        }
    }

    // The row is committed; finish regardless of cancellation.
    private async Task AddToHistoryAsync(string mac, UnitRecord record)
    {
        var macLock = macLocks[(StringComparer.Ordinal.GetHashCode(mac) & int.MaxValue) % MacLockStripes];
        await macLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            string path = UnitHistoryFile.PathFor(BatchDirectory, mac);
            var history = await UnitHistoryFile.ReadAsync(path, CancellationToken.None).ConfigureAwait(false) ?? new UnitHistory(mac, []);
            if (history.Mac != mac)
            {
                throw new RecordFileException(path, $"holds the history of {history.Mac}, not {mac}.");
            }

            await UnitHistoryFile.WriteAsync(path, history.With(record), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            macLock.Release();
        }
    }
}
