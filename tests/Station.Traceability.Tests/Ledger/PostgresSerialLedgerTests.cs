using Station.Traceability.Ledger;
using Station.Traceability.Tests.Support;

namespace Station.Traceability.Tests.Ledger;

/// <summary>The ledger on the server named by <c>STATION_TEST_POSTGRES</c>, each test in a schema of its own.</summary>
public class PostgresSerialLedgerTests : SerialLedgerContract
{
    private PostgresSchema? schema;

    private PostgresSchema Schema => schema ?? throw new InvalidOperationException("Not prepared.");

    [Fact]
    public async Task OpenAsync_HostSetting_IsPostgres()
    {
        using var temp = new TempDirectory();

        await using var opened = await SerialLedgers.OpenAsync(Schema.ConnectionString, temp.Path, CancellationToken.None);

        Assert.IsType<PostgresSerialLedger>(opened);
        Assert.StartsWith("postgres://", opened.Location, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.Combine(temp.Path, LedgerLocation.DefaultFileName), Directory.GetFiles(temp.Path));
    }

    [Fact]
    public async Task AllocateAsync_TwoStationProcessesAtOnce_NeverCollide()
    {
        using var temp = new TempDirectory();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var a = LedgerProbeProcess.Start(Schema.ConnectionString, temp.Path, "ST-A", first: 0, count: 200, parallel: 8, masterRows: 1000);
        await using var b = LedgerProbeProcess.Start(Schema.ConnectionString, temp.Path, "ST-B", first: 100, count: 200, parallel: 8, masterRows: 1000);

        Assert.Equal(0, await a.WaitForExitAsync(timeout.Token));
        Assert.Equal(0, await b.WaitForExitAsync(timeout.Token));

        await ProbeRuns.AssertSharedLedgerAsync(Ledger, a, b, distinctUnits: 300);
    }

    protected override async Task PrepareStoreAsync() => schema = await PostgresSchema.CreateAsync();

    protected override async Task RemoveStoreAsync()
    {
        if (schema is not null)
        {
            await schema.DisposeAsync();
        }
    }

    protected override async Task<ISerialLedger> OpenLedgerAsync() => await PostgresSerialLedger.OpenAsync(Schema.ConnectionString, CancellationToken.None);

    protected override Task ExecuteRawAsync(string sql) => Schema.ExecuteAsync(sql);
}
