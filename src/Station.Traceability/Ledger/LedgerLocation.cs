using Npgsql;

namespace Station.Traceability.Ledger;

/// <summary>Which kind of store holds a ledger.</summary>
public enum LedgerStore
{
    /// <summary>A SQLite file on this station (the default: <c>&lt;reports&gt;/ledger.db</c>).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database shared by the stations of a line.</summary>
    Postgres,
}

/// <summary>
/// Where the ledger is, from the connection setting (the profile's <c>deviceData.ledger</c> or the command line):
/// <list type="bullet">
/// <item>absent, empty or <c>sqlite</c>: <c>&lt;reports&gt;/ledger.db</c>;</item>
/// <item><c>Host=…;Port=…;Username=…;Database=…</c> (Npgsql keywords) or <c>postgres://user:password@host:port/database?sslmode=…</c>: PostgreSQL;</item>
/// <item><c>sqlite:PATH</c> or any other text without '=': a SQLite file at that path (relative to the current directory).</item>
/// </list>
/// </summary>
/// <param name="Target">The SQLite file's full path, or the Npgsql connection string.</param>
public sealed record LedgerLocation(LedgerStore Store, string Target)
{
    public const string DefaultFileName = "ledger.db";

    private const string SqlitePrefix = "sqlite:";

    public static LedgerLocation Parse(string? connection, string reportsDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reportsDirectory);
        string text = connection?.Trim() ?? "";
        if (text.Length == 0 || text.Equals("sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return new LedgerLocation(LedgerStore.Sqlite, Path.Combine(Path.GetFullPath(reportsDirectory), DefaultFileName));
        }

        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new LedgerLocation(LedgerStore.Postgres, FromUrl(text));
        }

        if (text.StartsWith(SqlitePrefix, StringComparison.OrdinalIgnoreCase))
        {
            return new LedgerLocation(LedgerStore.Sqlite, Path.GetFullPath(text[SqlitePrefix.Length..]));
        }

        if (text.Contains('=', StringComparison.Ordinal))
        {
            return new LedgerLocation(LedgerStore.Postgres, FromKeywords(text));
        }

        return new LedgerLocation(LedgerStore.Sqlite, Path.GetFullPath(text));
    }

    /// <summary>For logs: the file, or <c>postgres://host:port/database</c> without user or password.</summary>
    public string Describe()
    {
        if (Store == LedgerStore.Sqlite)
        {
            return SqlitePrefix + Target;
        }

        var builder = new NpgsqlConnectionStringBuilder(Target);
        return $"postgres://{builder.Host}:{builder.Port}/{builder.Database}";
    }

    private static string FromKeywords(string text)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(text);
        }
        catch (ArgumentException e)
        {
            throw new LedgerException(LedgerErrorCodes.Unavailable, $"The ledger setting is not a PostgreSQL connection string ({e.Message}); write Host=…;Port=…;Username=…;Database=…, a postgres:// URL, or a SQLite file path.", e);
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new LedgerException(LedgerErrorCodes.Unavailable, "The ledger setting looks like a PostgreSQL connection string but names no Host: add Host=… (or leave the setting out for the SQLite ledger under the reports directory).");
        }

        return builder.ConnectionString;
    }

    private static string FromUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || string.IsNullOrEmpty(url.Host))
        {
            throw new LedgerException(LedgerErrorCodes.Unavailable, $"The ledger setting '{text}' is not a URL like postgres://user:password@host:5432/database.");
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = url.Host, Port = url.IsDefaultPort || url.Port < 0 ? 5432 : url.Port };
        string database = Uri.UnescapeDataString(url.AbsolutePath.Trim('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        if (url.UserInfo.Length > 0)
        {
            string[] user = url.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(user[0]);
            if (user.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(user[1]);
            }
        }

        foreach (string pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] keyValue = pair.Split('=', 2);
            string key = Uri.UnescapeDataString(keyValue[0]);
            try
            {
                builder[key.Equals("sslmode", StringComparison.OrdinalIgnoreCase) ? "SSL Mode" : key] = keyValue.Length == 2 ? Uri.UnescapeDataString(keyValue[1]) : "";
            }
            catch (ArgumentException e)
            {
                throw new LedgerException(LedgerErrorCodes.Unavailable, $"The ledger URL's option '{key}' is not one PostgreSQL's client (Npgsql) knows: {e.Message}", e);
            }
        }

        return builder.ConnectionString;
    }
}
