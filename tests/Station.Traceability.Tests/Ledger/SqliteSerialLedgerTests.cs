using Microsoft.Data.Sqlite;
using Station.Traceability.Ledger;
using Station.Traceability.Tests.Support;

namespace Station.Traceability.Tests.Ledger;

public class SqliteSerialLedgerTests : SerialLedgerContract
{
    private TempDirectory? temp;

    private TempDirectory Temp => temp ?? throw new InvalidOperationException("Not prepared.");

    private string DatabasePath => Temp.Combine("reports", LedgerLocation.DefaultFileName);

    [Fact]
    public async Task OpenAsync_NoSetting_IsAWalFileUnderTheReportsDirectory()
    {
        await using var opened = await SerialLedgers.OpenAsync(null, Temp.Combine("reports"), CancellationToken.None);

        Assert.Equal("sqlite:" + DatabasePath, opened.Location);
        Assert.IsType<SqliteSerialLedger>(opened);
        Assert.Equal("wal", await ScalarAsync("PRAGMA journal_mode"));
        Assert.Equal("1", await ScalarAsync("SELECT version FROM ledger_schema"));
    }

    [Fact]
    public async Task AllocateAsync_TwoProcessesOnOneFile_NoDuplicateNoGap()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var a = LedgerProbeProcess.Start("", Temp.Combine("reports"), "ST-A", first: 0, count: 150, parallel: 4, masterRows: 1000);
        await using var b = LedgerProbeProcess.Start("", Temp.Combine("reports"), "ST-B", first: 75, count: 150, parallel: 4, masterRows: 1000);

        Assert.Equal(0, await a.WaitForExitAsync(timeout.Token));
        Assert.Equal(0, await b.WaitForExitAsync(timeout.Token));

        await ProbeRuns.AssertSharedLedgerAsync(Ledger, a, b, distinctUnits: 225);
    }

    protected override Task PrepareStoreAsync()
    {
        temp = new TempDirectory();
        return Task.CompletedTask;
    }

    protected override Task RemoveStoreAsync()
    {
        temp?.Dispose();
        return Task.CompletedTask;
    }

    protected override async Task<ISerialLedger> OpenLedgerAsync() => await SqliteSerialLedger.OpenAsync(DatabasePath, CancellationToken.None);

    protected override async Task ExecuteRawAsync(string sql) => await ScalarAsync(sql);

    private async Task<string?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync())?.ToString();
    }
}
