using Npgsql;

namespace Station.Traceability.Tests.Ledger;

/// <summary>
/// The PostgreSQL server the ledger tests use, named by <c>STATION_TEST_POSTGRES</c> (an Npgsql connection
/// string; <c>scripts/postgres.sh</c> starts one and prints it). Without it the PostgreSQL tests fail and say
/// how to start one: a shared ledger that was never tested must not look green.
/// </summary>
public static class PostgresTestServer
{
    public const string Variable = "STATION_TEST_POSTGRES";

    public static string ConnectionString()
    {
        string? value = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            Assert.Fail($"{Variable} is not set, so the PostgreSQL ledger cannot be tested. Start a throw-away server and name it: export {Variable}=\"$(scripts/postgres.sh)\" (scripts/test.sh does this).");
        }

        return value;
    }
}

/// <summary>A fresh schema for one test, so tests share the server but not tables; dropped afterwards.</summary>
public sealed class PostgresSchema : IAsyncDisposable
{
    private PostgresSchema(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    /// <summary>The server's connection string with <c>Search Path</c> set to this schema: the ledger's tables land in it.</summary>
    public string ConnectionString { get; }

    public static async Task<PostgresSchema> CreateAsync()
    {
        var server = new NpgsqlConnectionStringBuilder(PostgresTestServer.ConnectionString());
        string name = "ledger_test_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(server.ConnectionString, $"CREATE SCHEMA {name}");
        server.SearchPath = name;
        return new PostgresSchema(name, server.ConnectionString);
    }

    public Task ExecuteAsync(string sql) => ExecuteAsync(ConnectionString, sql);

    public async ValueTask DisposeAsync() => await ExecuteAsync(ConnectionString, $"DROP SCHEMA {Name} CASCADE");

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
