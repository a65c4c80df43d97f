using System.Data;
using Npgsql;

namespace Station.Traceability.Ledger;

/// <summary>
/// The ledger in a PostgreSQL database shared by the stations of a line.
/// </summary>
/// <remarks>
/// <para><b>Concurrency.</b> Each write is one READ COMMITTED transaction that first locks a counter row
/// (<c>SELECT … FOR UPDATE</c> on the product's <c>ledger_products</c> row, or the source's
/// <c>ledger_master_sources</c> row) and only then reads bindings and the counter. Writers of one product
/// therefore run one after another across every station, and each statement after the lock sees what the
/// previous writer committed. The next number is the counter plus one, written in the same transaction as
/// the binding: a transaction that fails consumes no number (no PostgreSQL sequence, which would leave gaps).</para>
/// <para><b>Retries.</b> Deadlock, serialization and unique-key races (two products whose formats collide
/// inserting the same serial at once) and broken connections are retried up to <see cref="MaxAttempts"/>
/// times. Retrying is safe because every write is idempotent by MAC: if a commit succeeded but its reply
/// was lost, the retry finds the binding and returns it (marked <see cref="SerialAllocation.Existing"/>).</para>
/// <para><b>Crash safety.</b> PostgreSQL commits are atomic and durable; a station killed mid-transaction
/// leaves an aborted transaction the server rolls back when the connection drops.</para>
/// </remarks>
public sealed class PostgresSerialLedger : ISerialLedger
{
    public const int MaxAttempts = 4;

    private const string UniqueViolation = "23505";
    private const string SerializationFailure = "40001";
    private const string DeadlockDetected = "40P01";

    private readonly NpgsqlDataSource dataSource;

    private PostgresSerialLedger(NpgsqlDataSource dataSource, string location)
    {
        this.dataSource = dataSource;
        Location = location;
    }

    public string Location { get; }

    /// <summary>Connects with an Npgsql connection string and brings the schema up to date (serialised across stations).</summary>
    public static async Task<PostgresSerialLedger> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.ApplicationName ??= "station-ledger";
        var location = new LedgerLocation(LedgerStore.Postgres, builder.ConnectionString).Describe();
        var ledger = new PostgresSerialLedger(NpgsqlDataSource.Create(builder), location);
        try
        {
            await ledger.WriteAsync(
                async c =>
                {
                    await c.MigrateAsync(cancellationToken).ConfigureAwait(false);
                    return true;
                },
                cancellationToken).ConfigureAwait(false);
            return ledger;
        }
        catch
        {
            await ledger.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<SerialAllocation> AllocateAsync(SerialRequest request, CancellationToken cancellationToken)
    {
        LedgerArguments.Check(request);
        string mac = LedgerArguments.Mac(request.Mac);

        // A unit flashed again needs no lock: its binding never changes once made.
        if (await ReadAsync(c => c.FindAsync(request.Product, mac, cancellationToken), cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return new SerialAllocation(existing, Existing: true);
        }

        return await WriteAsync(c => c.AllocateAsync(request, mac, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public Task RecordOutcomeAsync(UnitOutcome outcome, CancellationToken cancellationToken)
    {
        LedgerArguments.Check(outcome);
        string mac = LedgerArguments.Mac(outcome.Mac);
        return WriteAsync(
            async c =>
            {
                await c.RecordOutcomeAsync(outcome, mac, cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    public async Task<MasterRowClaim> ClaimMasterRowAsync(MasterRowRequest request, CancellationToken cancellationToken)
    {
        LedgerArguments.Check(request);
        string mac = LedgerArguments.Mac(request.Mac);
        if (await ReadAsync(c => c.FindClaimAsync(request.SourceId, mac, cancellationToken), cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return existing with { Existing = true };
        }

        return await WriteAsync(c => c.ClaimMasterRowAsync(request, mac, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public Task<LedgerEntry?> FindAsync(string product, string mac, CancellationToken cancellationToken)
    {
        LedgerArguments.Name(product, "product");
        string key = LedgerArguments.Mac(mac);
        return ReadAsync(c => c.FindAsync(product, key, cancellationToken), cancellationToken);
    }

    public Task<LedgerDeviceData?> FindDeviceDataAsync(string product, string mac, CancellationToken cancellationToken)
    {
        LedgerArguments.Name(product, "product");
        string key = LedgerArguments.Mac(mac);
        return ReadAsync(c => c.FindDeviceDataAsync(product, key, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<LedgerEntry>> ListAsync(string product, CancellationToken cancellationToken)
    {
        LedgerArguments.Name(product, "product");
        return await ReadAsync(c => c.ListAsync(product, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<MasterRowClaim>> ListMasterRowsAsync(string sourceId, CancellationToken cancellationToken)
    {
        LedgerArguments.Name(sourceId, "master source id");
        return await ReadAsync(c => c.ListClaimsAsync(sourceId, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    private Task<T> ReadAsync<T>(Func<LedgerCommands, Task<T>> read, CancellationToken cancellationToken) =>
        WithRetriesAsync(
            async () =>
            {
                var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    return await read(new LedgerCommands(connection, PostgresDialect.Instance, Location)).ConfigureAwait(false);
                }
            },
            cancellationToken);

    private Task<T> WriteAsync<T>(Func<LedgerCommands, Task<T>> write, CancellationToken cancellationToken) =>
        WithRetriesAsync(
            async () =>
            {
                var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        var result = await write(new LedgerCommands(connection, PostgresDialect.Instance, Location)).ConfigureAwait(false);
                        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                        return result;
                    }
                }
            },
            cancellationToken);

    private async Task<T> WithRetriesAsync<T>(Func<Task<T>> attempt, CancellationToken cancellationToken)
    {
        for (int number = 1; ; number++)
        {
            try
            {
                return await attempt().ConfigureAwait(false);
            }
            catch (NpgsqlException e) when (number < MaxAttempts && IsWorthRetrying(e) && !cancellationToken.IsCancellationRequested)
            {
                // Try again at once: the transaction rolled back, and every write is idempotent by MAC.
            }
            catch (NpgsqlException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new LedgerException(LedgerErrorCodes.Unavailable, $"The ledger at {Location} failed: {e.Message}; nothing was written by this call.", e);
            }
        }
    }

    private static bool IsWorthRetrying(NpgsqlException e) =>
        e is PostgresException { SqlState: SerializationFailure or DeadlockDetected or UniqueViolation } || e.IsTransient;
}
