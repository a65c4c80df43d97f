using Npgsql;
using Station.Traceability.Ledger;

namespace Station.Traceability.Tests.Ledger;

public class LedgerLocationTests
{
    private static readonly string Reports = Path.GetFullPath("reports");

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("sqlite")]
    [InlineData("SQLite")]
    public void Parse_NoSetting_IsTheSqliteFileUnderReports(string? setting)
    {
        Assert.Equal(new LedgerLocation(LedgerStore.Sqlite, Path.Combine(Reports, "ledger.db")), LedgerLocation.Parse(setting, "reports"));
    }

    [Theory]
    [InlineData("/var/station/ledger.db", "/var/station/ledger.db")]
    [InlineData("sqlite:/var/station/other.db", "/var/station/other.db")]
    public void Parse_FilePath_IsThatSqliteFile(string setting, string path)
    {
        Assert.Equal(new LedgerLocation(LedgerStore.Sqlite, path), LedgerLocation.Parse(setting, "reports"));
    }

    [Fact]
    public void Parse_NpgsqlKeywords_IsPostgres()
    {
        var location = LedgerLocation.Parse("Host=db.line;Port=5433;Username=station;Database=ledger", "reports");

        Assert.Equal(LedgerStore.Postgres, location.Store);
        Assert.Equal("postgres://db.line:5433/ledger", location.Describe());
    }

    [Fact]
    public void Parse_PostgresUrl_BecomesAnNpgsqlConnectionString()
    {
        var location = LedgerLocation.Parse("postgres://station:s%3Acret@db.line:5433/ledger?sslmode=disable", "reports");

        var builder = new NpgsqlConnectionStringBuilder(location.Target);
        Assert.Equal(LedgerStore.Postgres, location.Store);
        Assert.Equal(("db.line", 5433, "ledger", "station", "s:cret", SslMode.Disable), (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password, builder.SslMode));
        Assert.DoesNotContain("cret", location.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PostgresUrlWithoutPort_Uses5432()
    {
        Assert.Equal("postgres://db.line:5432/ledger", LedgerLocation.Parse("postgresql://db.line/ledger", "reports").Describe());
    }

    [Theory]
    [InlineData("Username=station;Database=ledger", "names no Host")]
    [InlineData("Host=db;Colour=blue", "not a PostgreSQL connection string")]
    public void Parse_BrokenConnectionString_SaysWhatIsWrong(string setting, string expected)
    {
        var refused = Assert.Throws<LedgerException>(() => LedgerLocation.Parse(setting, "reports"));

        Assert.Equal(LedgerErrorCodes.Unavailable, refused.Code);
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }
}
