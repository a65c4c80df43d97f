using System.Text;
using Station.Traceability.Ledger;

namespace Station.Traceability.Tests.Ledger;

/// <summary>
/// What every ledger store must do, run against each (<see cref="SqliteSerialLedgerTests"/>,
/// <see cref="PostgresSerialLedgerTests"/>): idempotence by MAC, contiguous numbers under concurrency,
/// permanent bindings, master rows, outcomes with device data.
/// </summary>
public abstract class SerialLedgerContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2025, 3, 4, 8, 0, 0, TimeSpan.Zero);
    protected static readonly SerialFormat Format = SerialFormat.Parse("SN-{yyyy}{seq:000000}");
    private static readonly CancellationToken None = CancellationToken.None;

    private ISerialLedger? ledger;

    protected ISerialLedger Ledger => ledger ?? throw new InvalidOperationException("Not opened.");

    public async Task InitializeAsync()
    {
        await PrepareStoreAsync();
        ledger = await OpenLedgerAsync();
    }

    public async Task DisposeAsync()
    {
        if (ledger is not null)
        {
            await ledger.DisposeAsync();
        }

        await RemoveStoreAsync();
    }

    [Fact]
    public async Task AllocateAsync_NewMacs_GetTheProductsNextNumbersInTheFormat()
    {
        var first = await Ledger.AllocateAsync(Request("24:0A:C4:00:00:01"), None);
        var second = await Ledger.AllocateAsync(Request("24:0A:C4:00:00:02", station: "ST-02", batch: "B2", at: T0.AddSeconds(1.2345)), None);

        Assert.Equal(("SN-2025000001", 1L, false), (first.Serial, first.Entry.Seq, first.Existing));
        Assert.Equal(new LedgerEntry("P1", 2, "SN-2025000002", "24:0A:C4:00:00:02", Format.Text, "ST-02", "B2", T0.AddMilliseconds(1234), null), second.Entry);
    }

    [Fact]
    public async Task AllocateAsync_SameMacAgain_ReturnsItsSerialUnchanged()
    {
        var first = await Ledger.AllocateAsync(Request("24:0A:C4:12:34:56"), None);

        var again = await Ledger.AllocateAsync(Request("24-0a-c4-12-34-56", station: "ST-09", batch: "B9", at: T0.AddYears(1), format: SerialFormat.Parse("X{seq}")), None);
        var other = await Ledger.AllocateAsync(Request("24:0A:C4:12:34:57"), None);

        Assert.True(again.Existing);
        Assert.Equal(first.Entry, again.Entry);
        Assert.Equal(2, other.Entry.Seq);
    }

    [Fact]
    public async Task AllocateAsync_64SlotsAtOnce_Get64ContiguousDistinctSerials()
    {
        string[] macs = [.. Enumerable.Range(0, 64).Select(Mac)];

        var allocations = await Task.WhenAll(macs.Select(mac => Task.Run(() => Ledger.AllocateAsync(Request(mac), None))));
        var again = await Task.WhenAll(macs.Reverse().Select(mac => Task.Run(() => Ledger.AllocateAsync(Request(mac), None))));

        Assert.Equal(Enumerable.Range(1, 64).Select(n => (long)n), allocations.Select(a => a.Entry.Seq).Order());
        Assert.Equal(64, allocations.Select(a => a.Serial).Distinct().Count());
        Assert.All(allocations, a => Assert.False(a.Existing));
        Assert.All(again, a => Assert.True(a.Existing));
        Assert.Equal(allocations.ToDictionary(a => a.Entry.Mac, a => a.Serial), again.ToDictionary(a => a.Entry.Mac, a => a.Serial));
        var audit = await LedgerAudit.RunAsync(Ledger, "P1", None);
        Assert.True(audit.IsClean, string.Join('\n', audit.Problems));
        Assert.Equal(64, audit.Count);
    }

    [Fact]
    public async Task AllocateAsync_OneMacFrom16SlotsAtOnce_GetsOneSerial()
    {
        var allocations = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => Ledger.AllocateAsync(Request(Mac(7)), None))));

        Assert.Single(allocations.Select(a => a.Serial).Distinct());
        Assert.Single(allocations, a => !a.Existing);
        Assert.Single(await Ledger.ListAsync("P1", None));
    }

    [Fact]
    public async Task AllocateAsync_TwoProducts_EachCountsFromOne()
    {
        var format = SerialFormat.Parse("{product}-{seq:0000}");
        var a1 = await Ledger.AllocateAsync(Request(Mac(1), product: "A", format: format), None);
        var b1 = await Ledger.AllocateAsync(Request(Mac(2), product: "B", format: format), None);
        var a2 = await Ledger.AllocateAsync(Request(Mac(3), product: "A", format: format), None);
        var bSameMac = await Ledger.AllocateAsync(Request(Mac(1), product: "B", format: format), None);

        Assert.Equal(["A-0001", "B-0001", "A-0002", "B-0002"], [a1.Serial, b1.Serial, a2.Serial, bSameMac.Serial]);
    }

    [Fact]
    public async Task AllocateAsync_FormatCollidesWithAnotherProduct_FailsAndConsumesNoNumber()
    {
        var shared = SerialFormat.Parse("SN-{seq}");
        await Ledger.AllocateAsync(Request(Mac(1), product: "A", format: shared), None);

        var refused = await Assert.ThrowsAsync<LedgerException>(() => Ledger.AllocateAsync(Request(Mac(2), product: "B", format: shared), None));
        var afterFix = await Ledger.AllocateAsync(Request(Mac(2), product: "B", format: SerialFormat.Parse("SB-{seq}")), None);

        Assert.Equal(LedgerErrorCodes.SerialTaken, refused.Code);
        Assert.Contains("SN-1", refused.Message, StringComparison.Ordinal);
        Assert.Equal(("SB-1", 1L), (afterFix.Serial, afterFix.Entry.Seq));
    }

    [Fact]
    public async Task Store_RefusesToRebindOrDropASerial()
    {
        var allocation = await Ledger.AllocateAsync(Request(Mac(1)), None);

        await Assert.ThrowsAnyAsync<Exception>(() => ExecuteRawAsync($"UPDATE ledger_serials SET mac = '{Mac(2)}'"));
        await Assert.ThrowsAnyAsync<Exception>(() => ExecuteRawAsync("UPDATE ledger_serials SET serial = 'SN-other'"));
        await Assert.ThrowsAnyAsync<Exception>(() => ExecuteRawAsync("DELETE FROM ledger_serials"));

        Assert.Equal(allocation.Entry, await Ledger.FindAsync("P1", Mac(1), None));
    }

    [Fact]
    public async Task AllocateAsync_CounterChangedBehindItsBack_RefusesAsDamaged()
    {
        await Ledger.AllocateAsync(Request(Mac(1)), None);
        await Ledger.AllocateAsync(Request(Mac(2)), None);
        await ExecuteRawAsync("UPDATE ledger_products SET last_seq = 1");

        var refused = await Assert.ThrowsAsync<LedgerException>(() => Ledger.AllocateAsync(Request(Mac(3)), None));

        Assert.Equal(LedgerErrorCodes.Damaged, refused.Code);
        Assert.Equal(2, (await Ledger.ListAsync("P1", None)).Count);
    }

    [Fact]
    public async Task RecordOutcomeAsync_WithDeviceData_KeepsEveryFactAndTheImage()
    {
        await Ledger.AllocateAsync(Request(Mac(1)), None);
        var data = DeviceData("first");

        await Ledger.RecordOutcomeAsync(new UnitOutcome("P1", Mac(1).ToLowerInvariant(), UnitResult.Pass, "R-1", "ST-01", T0.AddMinutes(1), data), None);

        var entry = await Ledger.FindAsync("P1", Mac(1), None);
        var stored = await Ledger.FindDeviceDataAsync("P1", Mac(1), None);
        Assert.Equal(new LatestOutcome(UnitResult.Pass, "R-1", "ST-01", T0.AddMinutes(1)), entry?.Outcome);
        Assert.NotNull(stored);
        Assert.Equal(data.NvsImage.ToArray(), stored.NvsImage.ToArray());
        Assert.Equal(data with { NvsImage = stored.NvsImage }, stored);
        Assert.True(stored.IsIntact);
    }

    [Fact]
    public async Task RecordOutcomeAsync_LaterAttempt_ReplacesTheOutcomeAndKeepsDeviceDataWhenItHasNone()
    {
        await Ledger.AllocateAsync(Request(Mac(1)), None);
        var data = DeviceData("first");
        await Ledger.RecordOutcomeAsync(new UnitOutcome("P1", Mac(1), UnitResult.Fail, "R-1", "ST-01", T0, data), None);

        await Ledger.RecordOutcomeAsync(new UnitOutcome("P1", Mac(1), UnitResult.Interrupted, "R-2", "ST-02", T0.AddMinutes(5)), None);
        var afterInterrupt = await Ledger.FindDeviceDataAsync("P1", Mac(1), None);
        await Ledger.RecordOutcomeAsync(new UnitOutcome("P1", Mac(1), UnitResult.Pass, "R-3", "ST-02", T0.AddMinutes(9), DeviceData("second")), None);

        Assert.Equal(data.NvsSha256, afterInterrupt?.NvsSha256);
        Assert.Equal(new LatestOutcome(UnitResult.Pass, "R-3", "ST-02", T0.AddMinutes(9)), (await Ledger.FindAsync("P1", Mac(1), None))?.Outcome);
        Assert.Equal(DeviceData("second").NvsSha256, (await Ledger.FindDeviceDataAsync("P1", Mac(1), None))?.NvsSha256);
    }

    [Fact]
    public async Task RecordOutcomeAsync_MacWithoutSerial_IsRefused()
    {
        var refused = await Assert.ThrowsAsync<LedgerException>(() => Ledger.RecordOutcomeAsync(new UnitOutcome("P1", Mac(1), UnitResult.Fail, "R-1", "ST-01", T0), None));

        Assert.Equal(LedgerErrorCodes.NotAllocated, refused.Code);
    }

    [Fact]
    public async Task ClaimMasterRowAsync_NewMacs_TakeRowsInOrderAndKeepThem()
    {
        var first = await Ledger.ClaimMasterRowAsync(RowRequest(Mac(1)), None);
        var second = await Ledger.ClaimMasterRowAsync(RowRequest(Mac(2)), None);
        var again = await Ledger.ClaimMasterRowAsync(RowRequest(Mac(1).ToLowerInvariant()), None);
        var otherSource = await Ledger.ClaimMasterRowAsync(RowRequest(Mac(2)) with { SourceId = "P1:bbbb" }, None);

        Assert.Equal((1, false), (first.Row, first.Existing));
        Assert.Equal((2, false), (second.Row, second.Existing));
        Assert.Equal(first with { Existing = true }, again);
        Assert.Equal(1, otherSource.Row);
        Assert.Equal([first, second], await Ledger.ListMasterRowsAsync("P1:aaaa", None));
    }

    [Fact]
    public async Task ClaimMasterRowAsync_64SlotsFor40Rows_EachRowOnceThenExhausted()
    {
        var attempts = await Task.WhenAll(Enumerable.Range(0, 64).Select(n => Task.Run(async () =>
        {
            try
            {
                return (Claim: await Ledger.ClaimMasterRowAsync(RowRequest(Mac(n), rows: 40), None), Error: (LedgerException?)null);
            }
            catch (LedgerException e)
            {
                return (Claim: (MasterRowClaim?)null, Error: e);
            }
        })));

        var claims = attempts.Where(a => a.Claim is not null).Select(a => a.Claim!).ToList();
        Assert.Equal(Enumerable.Range(1, 40), claims.Select(c => c.Row).Order());
        Assert.Equal(24, attempts.Count(a => a.Error?.Code == LedgerErrorCodes.MasterRowsExhausted));
        Assert.Contains("All 40 rows", attempts.First(a => a.Error is not null).Error!.Message, StringComparison.Ordinal);
        Assert.Empty(LedgerAudit.CheckMasterRows("P1:aaaa", 40, await Ledger.ListMasterRowsAsync("P1:aaaa", None)));
    }

    [Fact]
    public async Task ClaimMasterRowAsync_RowCountChanges_IsRefused()
    {
        await Ledger.ClaimMasterRowAsync(RowRequest(Mac(1), rows: 10), None);

        var refused = await Assert.ThrowsAsync<LedgerException>(() => Ledger.ClaimMasterRowAsync(RowRequest(Mac(2), rows: 11), None));

        Assert.Equal(LedgerErrorCodes.MasterRowCountChanged, refused.Code);
    }

    [Fact]
    public async Task OpenAsync_AgainAfterDispose_KeepsEveryBinding()
    {
        var allocation = await Ledger.AllocateAsync(Request(Mac(1)), None);
        await Ledger.DisposeAsync();

        ledger = await OpenLedgerAsync();

        Assert.Equal(allocation.Entry, await Ledger.FindAsync("P1", Mac(1), None));
        Assert.Equal(2, (await Ledger.AllocateAsync(Request(Mac(2)), None)).Entry.Seq);
    }

    [Fact]
    public async Task OpenAsync_SchemaOfANewerStation_IsRefused()
    {
        await ExecuteRawAsync("UPDATE ledger_schema SET version = 99");
        await Ledger.DisposeAsync();
        ledger = null;

        var refused = await Assert.ThrowsAsync<LedgerException>(OpenLedgerAsync);

        Assert.Equal(LedgerErrorCodes.SchemaTooNew, refused.Code);
        Assert.Contains("version 99", refused.Message, StringComparison.Ordinal);
    }

    protected static string Mac(int n) => $"24:0A:C4:00:{n / 256:X2}:{n % 256:X2}";

    protected static SerialRequest Request(string mac, string product = "P1", string station = "ST-01", string batch = "B1", DateTimeOffset? at = null, SerialFormat? format = null) =>
        new(product, mac, format ?? Format, station, batch, at ?? T0);

    protected static MasterRowRequest RowRequest(string mac, int rows = 100) => new("P1:aaaa", mac, rows, "ST-01", T0);

    protected static LedgerDeviceData DeviceData(string tag) =>
        LedgerDeviceData.FromImage(0x9000, 0x6000, Encoding.ASCII.GetBytes($"nvs {tag}".PadRight(0x6000, '\xff')), $"{{\"wifi.ssid\":\"{tag}\",\"wifi.pass\":\"***\"}}", "00000000 00000000", "12345678 00000000");

    /// <summary>Makes an empty store for this test (a temp folder, a fresh schema).</summary>
    protected abstract Task PrepareStoreAsync();

    protected abstract Task RemoveStoreAsync();

    protected abstract Task<ISerialLedger> OpenLedgerAsync();

    /// <summary>Runs SQL on the store behind the ledger's back, as a person with a database tool could.</summary>
    protected abstract Task ExecuteRawAsync(string sql);
}
