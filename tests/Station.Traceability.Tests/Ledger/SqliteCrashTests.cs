using Microsoft.Data.Sqlite;
using Station.Traceability.Ledger;
using Station.Traceability.Tests.Support;
using Xunit.Abstractions;

namespace Station.Traceability.Tests.Ledger;

/// <summary>
/// A station process allocating with four slots is killed with SIGKILL at random instants, again and
/// again, and restarted; the ledger must stay whole, gapless and hold every serial the process saw.
/// </summary>
public class SqliteCrashTests(ITestOutputHelper output)
{
    private const int Kills = 8;
    private const int Slots = 4;

    [Fact]
    public async Task Probe_KilledAtRandomInstantsAndRestarted_LedgerHasNoGapNoDuplicateAndEverySerialItSaw()
    {
        int seed = Random.Shared.Next();
        var random = new Random(seed);
        using var temp = new TempDirectory();
        string reports = temp.Combine("reports");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var printed = new List<ProbeUnit>();
        int next = 0;

        // Off xunit's context (as many threads as cores, shared by every running test) so that each kill
        // follows the awaited output closely even when the machine is busy.
        await Task.Run(async () =>
        {
            for (int kill = 0; kill < Kills; kill++)
            {
                // Start a little before where the last run stopped: those units are flashed again after the crash.
                int first = Math.Max(0, next - 3);
                await using var probe = LedgerProbeProcess.Start("", reports, "ST-01", first, count: 1_000_000, parallel: Slots, masterRows: 1_000_000);
                if (kill > 0)
                {
                    await probe.WaitForUnitsAsync(random.Next(1, 25), timeout.Token);
                }

                // Not waiting for anything: this picks the instant of death, inside whatever the slots are doing
                // (the first run may die while it creates the schema).
                await Task.Delay(random.Next(kill == 0 ? 150 : 0, kill == 0 ? 400 : 15), timeout.Token);
                probe.Kill();
                await probe.WaitForExitAsync(timeout.Token);
                printed.AddRange(probe.Units);
                output.WriteLine($"run {kill + 1}: started at unit {first}, killed after {probe.Units.Count} units");
                next = Math.Max(next, probe.Units.Select(u => u.Index + 1).DefaultIfEmpty(0).Max());
            }
        });

        string context = $"(seed {seed}, {printed.Count} units printed)";
        Assert.Equal("ok", await IntegrityCheckAsync(Path.Combine(reports, LedgerLocation.DefaultFileName)));
        await using (var ledger = await SerialLedgers.OpenAsync(null, reports, timeout.Token))
        {
            await ProbeRuns.AssertPrintedUnitsAreInLedgerAsync(ledger, printed);
            var audit = await LedgerAudit.RunAsync(ledger, LedgerProbeProcess.Product, timeout.Token);
            Assert.True(audit.IsClean, string.Join('\n', audit.Problems) + context);

            // Allocated but never printed: at most the units the slots were on when the process died.
            int printedMacs = printed.Select(u => u.Mac).Distinct().Count();
            Assert.InRange(audit.Count, printedMacs, printedMacs + (Kills * Slots));
            Assert.InRange(audit.WithoutOutcome.Count, 0, Kills * Slots);
            output.WriteLine($"after {Kills} kills: {audit.Count} serials, {printedMacs} seen by the process, {audit.WithoutOutcome.Count} without outcome {context}");
            var rows = await ledger.ListMasterRowsAsync(LedgerProbeProcess.Product + ":master", timeout.Token);
            Assert.Empty(LedgerAudit.CheckMasterRows(LedgerProbeProcess.Product + ":master", 1_000_000, rows));
        }

        // A run after the crashes completes: old units keep their serials, new ones continue the sequence.
        await using var last = LedgerProbeProcess.Start("", reports, "ST-01", first: 0, count: next + 10, parallel: Slots, masterRows: 1_000_000);
        Assert.Equal(0, await last.WaitForExitAsync(timeout.Token));
        Assert.True(last.Done, last.Errors + context);
        Assert.All(last.Units.Where(u => u.Index < next && printed.Any(p => p.Index == u.Index)), u => Assert.True(u.Existing));
        await using (var ledger = await SerialLedgers.OpenAsync(null, reports, timeout.Token))
        {
            await ProbeRuns.AssertPrintedUnitsAreInLedgerAsync(ledger, [.. printed, .. last.Units]);
            var audit = await LedgerAudit.RunAsync(ledger, LedgerProbeProcess.Product, timeout.Token);
            Assert.True(audit.IsClean, string.Join('\n', audit.Problems) + context);
        }
    }

    private static async Task<string?> IntegrityCheckAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return (await command.ExecuteScalarAsync())?.ToString();
    }
}
