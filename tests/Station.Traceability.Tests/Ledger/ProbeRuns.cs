using Station.Traceability.Ledger;

namespace Station.Traceability.Tests.Ledger;

/// <summary>Checks on a ledger that probe processes wrote to.</summary>
public static class ProbeRuns
{
    /// <summary>
    /// The ledger holds <paramref name="distinctUnits"/> serials numbered 1..N without gap or repeat, master rows
    /// likewise, and every unit a probe printed is in it as printed; a MAC both probes handled got one serial and one row.
    /// </summary>
    public static async Task AssertSharedLedgerAsync(ISerialLedger ledger, LedgerProbeProcess a, LedgerProbeProcess b, int distinctUnits)
    {
        Assert.True(a.Done && b.Done, a.Errors + b.Errors);
        var printed = a.Units.Concat(b.Units).ToList();
        await AssertPrintedUnitsAreInLedgerAsync(ledger, printed);
        var audit = await LedgerAudit.RunAsync(ledger, LedgerProbeProcess.Product, CancellationToken.None);
        Assert.True(audit.IsClean, string.Join('\n', audit.Problems));
        Assert.Equal(distinctUnits, audit.Count);
        Assert.Empty(audit.WithoutOutcome);
        var rows = await ledger.ListMasterRowsAsync(LedgerProbeProcess.Product + ":master", CancellationToken.None);
        Assert.Empty(LedgerAudit.CheckMasterRows(LedgerProbeProcess.Product + ":master", 1000, rows));
        Assert.Equal(Enumerable.Range(1, distinctUnits), rows.Select(r => r.Row));
    }

    /// <summary>Every printed unit is in the ledger with the serial, number and row it printed, its outcome and intact device data.</summary>
    public static async Task AssertPrintedUnitsAreInLedgerAsync(ISerialLedger ledger, IReadOnlyList<ProbeUnit> printed)
    {
        foreach (var unit in printed.GroupBy(u => u.Mac))
        {
            Assert.Single(unit.Select(u => (u.Seq, u.Serial, u.Row)).Distinct());
            var entry = await ledger.FindAsync(LedgerProbeProcess.Product, unit.Key, CancellationToken.None);
            Assert.NotNull(entry);
            Assert.Equal((unit.First().Seq, unit.First().Serial), (entry.Seq, entry.Serial));
            Assert.NotNull(entry.Outcome);
            var data = await ledger.FindDeviceDataAsync(LedgerProbeProcess.Product, unit.Key, CancellationToken.None);
            Assert.NotNull(data);
            Assert.True(data.IsIntact);
            Assert.Contains(entry.Serial, data.ValuesJson, StringComparison.Ordinal);
        }

        var claims = (await ledger.ListMasterRowsAsync(LedgerProbeProcess.Product + ":master", CancellationToken.None)).ToDictionary(c => c.Mac, c => c.Row);
        Assert.All(printed, u => Assert.Equal(u.Row, claims[u.Mac]));
    }
}
