namespace Station.Traceability.Ledger;

/// <summary>Opens the ledger a connection setting names (see <see cref="LedgerLocation"/>).</summary>
public static class SerialLedgers
{
    /// <summary>
    /// The SQLite ledger (<c>&lt;reports&gt;/ledger.db</c> when <paramref name="connection"/> is null, empty or
    /// <c>sqlite</c>, or the file it names) or the PostgreSQL one (<c>Host=…</c> or <c>postgres://…</c>),
    /// with its schema created or brought up to date.
    /// </summary>
    /// <exception cref="LedgerException">The setting is malformed, the store cannot be reached, or it was made by a newer station.</exception>
    public static async Task<ISerialLedger> OpenAsync(string? connection, string reportsDirectory, CancellationToken cancellationToken)
    {
        var location = LedgerLocation.Parse(connection, reportsDirectory);
        return location.Store switch
        {
            LedgerStore.Postgres => await PostgresSerialLedger.OpenAsync(location.Target, cancellationToken).ConfigureAwait(false),
            _ => await SqliteSerialLedger.OpenAsync(location.Target, cancellationToken).ConfigureAwait(false),
        };
    }
}
