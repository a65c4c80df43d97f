using Microsoft.Data.Sqlite;
using Station.Traceability.Files;

namespace Station.Traceability.Ledger;

/// <summary>
/// The ledger in a SQLite file on this station (default <c>&lt;reports&gt;/ledger.db</c>).
/// </summary>
/// <remarks>
/// <para><b>Crash safety.</b> The file is in WAL mode with <c>synchronous=FULL</c>: a commit returns only
/// after its WAL frames are fsynced, and a transaction whose commit record is not in the WAL is ignored
/// when the file is next opened. So whatever instant the process dies (SIGKILL, power cut), each call
/// either happened completely or left no trace, and a call that returned is on disk. A serial is handed
/// to the caller only after its commit, so every serial a unit ever saw is in the file.</para>
/// <para><b>Concurrency.</b> Writes run as <c>BEGIN IMMEDIATE</c> transactions, which take SQLite's single
/// write lock before reading the counter: two writers can never read the same counter value. Within the
/// process one connection serves all slots behind an async gate (slots wait without blocking threads);
/// other processes on the same file wait on the lock for up to <see cref="BusyTimeout"/>.</para>
/// <para>The unique keys (product+seq, product+MAC, serial; source+row, source+MAC) and triggers that refuse
/// to move or delete a binding are the last line of defence should the code above ever be wrong.</para>
/// </remarks>
public sealed class SqliteSerialLedger : ISerialLedger
{
    /// <summary>How long a write waits for another process's transaction on the same file before failing.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(15);

    private const int SqliteBusy = 5;

    private readonly SqliteConnection connection;
    private readonly LedgerCommands commands;
    private readonly SemaphoreSlim gate = new(1, 1);
    private bool disposed;

    private SqliteSerialLedger(string path, SqliteConnection connection)
    {
        Path = path;
        this.connection = connection;
        commands = new LedgerCommands(connection, SqliteDialect.Instance, "sqlite:" + path);
    }

    /// <summary>Full path of the database file.</summary>
    public string Path { get; }

    public string Location => "sqlite:" + Path;

    /// <summary>Opens (creating as needed, with its folder) the ledger file and brings its schema up to date.</summary>
    public static async Task<SqliteSerialLedger> OpenAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string fullPath = System.IO.Path.GetFullPath(path);
        DirectoryEntries.Create(System.IO.Path.GetDirectoryName(fullPath)!);

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false, // Dispose must really close the file.
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString());
        var ledger = new SqliteSerialLedger(fullPath, connection);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // busy_timeout first: switching to WAL needs a lock another process may hold.
            await ledger.PragmaAsync($"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}", cancellationToken).ConfigureAwait(false);
            string? mode = await ledger.PragmaAsync("PRAGMA journal_mode = WAL", cancellationToken).ConfigureAwait(false);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new LedgerException(LedgerErrorCodes.Unavailable, $"The ledger file {fullPath} cannot use write-ahead logging (journal mode stays '{mode}'); put it on a local disk.");
            }

            await ledger.PragmaAsync("PRAGMA synchronous = FULL", cancellationToken).ConfigureAwait(false);
            await ledger.PragmaAsync("PRAGMA foreign_keys = ON", cancellationToken).ConfigureAwait(false);
            await ledger.GatedAsync(
                () => ledger.InTransactionAsync(
                    async c =>
                    {
                        await c.MigrateAsync(cancellationToken).ConfigureAwait(false);
                        return true;
                    },
                    cancellationToken),
                cancellationToken).ConfigureAwait(false);
            return ledger;
        }
        catch (SqliteException e)
        {
            await ledger.DisposeAsync().ConfigureAwait(false);
            throw new LedgerException(LedgerErrorCodes.Unavailable, $"Cannot open the ledger file {fullPath}: {e.Message}", e);
        }
        catch
        {
            await ledger.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task<SerialAllocation> AllocateAsync(SerialRequest request, CancellationToken cancellationToken)
    {
        LedgerArguments.Check(request);
        string mac = LedgerArguments.Mac(request.Mac);

        // A unit flashed again needs no write lock: its binding never changes once made.
        return GatedAsync(
            async () => await commands.FindAsync(request.Product, mac, cancellationToken).ConfigureAwait(false) is { } existing
                ? new SerialAllocation(existing, Existing: true)
                : await InTransactionAsync(c => c.AllocateAsync(request, mac, cancellationToken), cancellationToken).ConfigureAwait(false),
            cancellationToken);
    }

    public Task RecordOutcomeAsync(UnitOutcome outcome, CancellationToken cancellationToken)
    {
        LedgerArguments.Check(outcome);
        string mac = LedgerArguments.Mac(outcome.Mac);
        return GatedAsync(
            () => InTransactionAsync(
                async c =>
                {
                    await c.RecordOutcomeAsync(outcome, mac, cancellationToken).ConfigureAwait(false);
                    return true;
                },
                cancellationToken),
            cancellationToken);
    }

    public Task<MasterRowClaim> ClaimMasterRowAsync(MasterRowRequest request, CancellationToken cancellationToken)
    {
        LedgerArguments.Check(request);
        string mac = LedgerArguments.Mac(request.Mac);
        return GatedAsync(
            async () => await commands.FindClaimAsync(request.SourceId, mac, cancellationToken).ConfigureAwait(false) is { } existing
                ? existing with { Existing = true }
                : await InTransactionAsync(c => c.ClaimMasterRowAsync(request, mac, cancellationToken), cancellationToken).ConfigureAwait(false),
            cancellationToken);
    }

    public Task<LedgerEntry?> FindAsync(string product, string mac, CancellationToken cancellationToken)
    {
        LedgerArguments.Name(product, "product");
        string key = LedgerArguments.Mac(mac);
        return GatedAsync(() => commands.FindAsync(product, key, cancellationToken), cancellationToken);
    }

    public Task<LedgerDeviceData?> FindDeviceDataAsync(string product, string mac, CancellationToken cancellationToken)
    {
        LedgerArguments.Name(product, "product");
        string key = LedgerArguments.Mac(mac);
        return GatedAsync(() => commands.FindDeviceDataAsync(product, key, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<LedgerEntry>> ListAsync(string product, CancellationToken cancellationToken)
    {
        LedgerArguments.Name(product, "product");
        return await GatedAsync(() => commands.ListAsync(product, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<MasterRowClaim>> ListMasterRowsAsync(string sourceId, CancellationToken cancellationToken)
    {
        LedgerArguments.Name(sourceId, "master source id");
        return await GatedAsync(() => commands.ListClaimsAsync(sourceId, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!disposed)
            {
                disposed = true;
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    // One caller at a time on the one connection; SQLite's errors become the ledger's.
    private async Task<T> GatedAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return await action().ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            throw Unavailable(e);
        }
        finally
        {
            gate.Release();
        }
    }

    // Call with the gate held. Raw BEGIN/COMMIT rather than SqliteTransaction: the statements are shared
    // with PostgreSQL and carry no transaction object. The commit is not cancellable: once it starts, it finishes.
    private async Task<T> InTransactionAsync<T>(Func<LedgerCommands, Task<T>> write, CancellationToken cancellationToken)
    {
        await PragmaAsync("BEGIN IMMEDIATE", cancellationToken).ConfigureAwait(false);
        try
        {
            var result = await write(commands).ConfigureAwait(false);
            await PragmaAsync("COMMIT", CancellationToken.None).ConfigureAwait(false);
            return result;
        }
        catch
        {
            await RollBackAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task RollBackAsync()
    {
        try
        {
            await PragmaAsync("ROLLBACK", CancellationToken.None).ConfigureAwait(false);
        }
        catch (SqliteException)
        {
            // SQLite already rolled back (it does on some errors); nothing was committed either way.
        }
    }

    private async Task<string?> PragmaAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))?.ToString();
    }

    private LedgerException Unavailable(SqliteException e) => e.SqliteErrorCode == SqliteBusy
        ? new LedgerException(LedgerErrorCodes.Unavailable, $"The ledger file {Path} stayed locked by another process for {BusyTimeout.TotalSeconds:0} s; nothing was written. Is another station or tool holding it?", e)
        : new LedgerException(LedgerErrorCodes.Unavailable, $"The ledger file {Path} failed: {e.Message}; nothing was written.", e);
}
