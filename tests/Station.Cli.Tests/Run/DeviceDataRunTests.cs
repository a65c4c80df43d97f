using Station.Cli.Tests.Support;
using Station.DeviceData.Nvs;
using Station.DeviceData.Nvs.Reading;
using Station.Traceability.Ledger;

namespace Station.Cli.Tests.Run;

/// <summary>
/// Per-device data end to end, as a user runs it: serials from the ledger, each unit's NVS partition
/// read back out of the simulator's flash dump, the same MACs keeping their serials, QA re-verification,
/// two stations sharing one PostgreSQL ledger, and a station killed with SIGKILL and restarted.
/// </summary>
public class DeviceDataRunTests
{
    private static readonly string Profile = Path.Combine(Repository.Root(), "profiles", "demo-esp32-unique.json");
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Run_PerDeviceProfile_EveryUnitGetsItsOwnSerialAndItsFlashHoldsExactlyItsValues()
    {
        string work = Repository.TempDirectory();

        var run = await Station(work, "run", "--profile", Profile, "--simulate", "4", "--units", "12", "--no-pacing", "--reports", "reports", "--batch", "d1", "--seed", "21");
        var again = await Station(work, "run", "--profile", Profile, "--simulate", "4", "--units", "12", "--no-pacing", "--reports", "reports", "--batch", "d2", "--seed", "21");

        Assert.True(run.Code == 0, run.Output + run.Error);
        Assert.True(again.Code == 0, again.Output + again.Error);
        var rows = RunCommandTests.Csv(Path.Combine(work, "reports", "d1", "units.csv"));
        Assert.Equal(12, rows.Select(r => r["serial"]).Distinct().Count());
        Assert.All(rows, r => Assert.Matches(@"^SN-\d{4}\d{6}$", r["serial"]));
        string[] master = File.ReadAllLines(Path.Combine(Repository.Root(), "profiles", "demo-esp32-unique", "mfg-master.csv"));
        foreach (var row in rows)
        {
            byte[] flash = await File.ReadAllBytesAsync(Path.Combine(work, "reports", "d1", "sim-dumps", row["mac"].Replace(':', '-') + ".bin"));
            var nvs = NvsReader.Read(flash.AsSpan(0x9000, 0x6000));
            Assert.True(nvs.IsValid, string.Join("; ", nvs.Problems));
            var values = nvs.Entries.ToDictionary(e => $"{e.Entry.Namespace}.{e.Entry.Key}", e => e.Entry.Value);
            Assert.Equal(NvsValue.String(row["serial"]), values["device.serial"]);
            Assert.Equal(NvsValue.String(row["mac"]), values["device.mac"]);
            Assert.Equal(NvsValue.String("d1"), values["device.batch"]);
            Assert.Equal(NvsValue.U8(3), values["device.hw_rev"]);
            string[] fields = master[int.Parse(row["master_row"], System.Globalization.CultureInfo.InvariantCulture)].Split(',');
            Assert.Equal(NvsValue.String(fields[0]), values["wifi.psk"]);
            Assert.Contains("wifi.psk=***", row["device_values"], StringComparison.Ordinal);
            Assert.DoesNotContain(fields[0], row["device_values"], StringComparison.Ordinal);
            Assert.StartsWith("BLOCK3 dry-run", row["efuse"], StringComparison.Ordinal);
        }

        string first = Path.Combine("reports", "d1", "sim-dumps", rows[0]["mac"].Replace(':', '-') + ".bin");
        var dump = await Station(work, "nvs", "dump", first, "--offset", "0x9000", "--size", "0x6000");
        var whole = await Station(work, "nvs", "dump", first);
        Assert.True(dump.Code == 0, dump.Output + dump.Error);
        Assert.Contains($"device/serial  string  \"{rows[0]["serial"]}\"", dump.Output, StringComparison.Ordinal);
        Assert.Equal(2, whole.Code); // the whole flash is not an NVS partition, and the reader says so

        var second = RunCommandTests.Csv(Path.Combine(work, "reports", "d2", "units.csv")).ToDictionary(r => r["mac"], r => (r["serial"], r["master_row"]));
        Assert.All(rows, r => Assert.Equal((r["serial"], r["master_row"]), second[r["mac"]]));

        var qa = await Station(work, "qa", "--profile", Profile, "--simulate", "4", "--from-batch", "d2", "--no-pacing", "--reports", "reports", "--batch", "q2");
        Assert.True(qa.Code == 0, qa.Output + qa.Error);
        var checks = RunCommandTests.Csv(Path.Combine(work, "reports", "q2", "units.csv"));
        Assert.Equal(12, checks.Count);
        Assert.All(checks, c => Assert.Equal(("qa", "PASS", "0x1000=ok;0x8000=ok;0x10000=ok;0x9000=ok"), (c["operation"], c["result"], c["md5_verified"])));
    }

    [Fact]
    public async Task Ledger_ListAndAudit_ShowEverySerialAndCatchAGapSomeoneMadeByHand()
    {
        string work = Repository.TempDirectory();
        var run = await Station(work, "run", "--profile", Profile, "--simulate", "2", "--units", "4", "--no-pacing", "--batch", "l1", "--seed", "9");
        Assert.True(run.Code == 0, run.Output + run.Error);
        var macs = RunCommandTests.Csv(Path.Combine(work, "reports", "l1", "units.csv")).Select(r => r["mac"]).ToList();

        var list = await Station(work, "ledger", "list", "--profile", Profile);
        var clean = await Station(work, "ledger", "audit", "--product", "demo-esp32");

        Assert.Equal(0, list.Code);
        Assert.All(macs, mac => Assert.Contains(mac, list.Output, StringComparison.Ordinal));
        Assert.Equal(4, list.Output.Split('\n').Count(l => l.Contains("PASS", StringComparison.Ordinal)));
        Assert.True(clean.Code == 0, clean.Output + clean.Error);
        Assert.Contains("4 serial(s), no gap, no duplicate", clean.Output, StringComparison.Ordinal);

        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(work, "reports", "ledger.db")};Pooling=False;Foreign Keys=False"))
        {
            await db.OpenAsync();
            await using var delete = db.CreateCommand();
            // The store refuses deletes with a trigger; someone editing the file by hand drops it first.
            delete.CommandText = "DROP TRIGGER ledger_serials_kept; DELETE FROM ledger_serials WHERE seq = 2";
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }

        var torn = await Station(work, "ledger", "audit", "--product", "demo-esp32");
        Assert.Equal(4, torn.Code);
        Assert.Contains("Sequence number 2 is missing.", torn.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_LedgerUnreachable_StopsBeforeAnyUnitIsTouchedAndSaysWhy()
    {
        string work = Repository.TempDirectory();
        string profile = await CopyProfileAsync(work, "unreachable", "Host=127.0.0.1;Port=1;Username=station;Database=station;Timeout=2");

        var run = await Station(work, "run", "--profile", profile, "--simulate", "2", "--units", "2", "--no-pacing", "--batch", "u1");

        Assert.Equal(6, run.Code);
        Assert.Contains("E-LEDGER-UNAVAILABLE", run.Error, StringComparison.Ordinal);
        Assert.Contains("What to do", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(work, "reports", "u1", "units.csv")) && File.ReadAllLines(Path.Combine(work, "reports", "u1", "units.csv")).Length > 1);
    }

    [Fact]
    public async Task Run_MasterRowsRunOut_StopsTheLineInsteadOfFailingEveryNextBoard()
    {
        string work = Repository.TempDirectory();
        string profile = await CopyProfileAsync(work, "three-rows", ledger: null);
        string master = Path.Combine(work, "three-rows.csv");
        await File.WriteAllLinesAsync(master, ["psk,country", "psk-1,FR", "psk-2,NL", "psk-3,DE"]);
        await File.WriteAllTextAsync(profile, (await File.ReadAllTextAsync(profile)).Replace(
            Path.Combine(Repository.Root(), "profiles", "demo-esp32-unique", "mfg-master.csv"), master, StringComparison.Ordinal));

        var run = await Station(work, "run", "--profile", profile, "--simulate", "2", "--units", "10", "--no-pacing", "--batch", "h1");

        Assert.Equal(7, run.Code);
        Assert.Contains("LINE STOPPED E-LEDGER-REFUSED", run.Error, StringComparison.Ordinal);
        Assert.Contains("E-LEDGER-ROWS-EXHAUSTED", run.Output + run.Error, StringComparison.Ordinal);
        var rows = RunCommandTests.Csv(Path.Combine(work, "reports", "h1", "units.csv"));
        Assert.Equal(3, rows.Count(r => r["result"] == "PASS"));
        Assert.InRange(rows.Count(r => r["result"] == "FAIL"), 1, 2); // the unit that met the end, and at most the other slot's unit in flight
        Assert.All(rows.Where(r => r["result"] == "FAIL"), r => Assert.Equal("E-LEDGER-REFUSED", r["error_code"]));
        Assert.DoesNotContain("PAUSED", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TwoStationsSharingPostgres_NeverCollide()
    {
        string connection = Environment.GetEnvironmentVariable("STATION_TEST_POSTGRES")
            ?? throw new InvalidOperationException("STATION_TEST_POSTGRES is not set: export STATION_TEST_POSTGRES=\"$(scripts/postgres.sh)\" (scripts/test.sh does).");
        string work = Repository.TempDirectory();
        string product = "two-stations-" + Guid.NewGuid().ToString("N")[..8];
        string profile = await CopyProfileAsync(work, product, connection);

        var a = Task.Run(() => Station(work, "run", "--profile", profile, "--simulate", "4", "--units", "16", "--no-pacing", "--reports", "a", "--batch", "a", "--seed", "101", "--station-id", "st-a"));
        var b = Task.Run(() => Station(work, "run", "--profile", profile, "--simulate", "4", "--units", "16", "--no-pacing", "--reports", "b", "--batch", "b", "--seed", "202", "--station-id", "st-b"));
        var (ra, rb) = (await a, await b);

        Assert.True(ra.Code == 0, ra.Output + ra.Error);
        Assert.True(rb.Code == 0, rb.Output + rb.Error);
        await using var ledger = await SerialLedgers.OpenAsync(connection, work, CancellationToken.None);
        var audit = await LedgerAudit.RunAsync(ledger, product, CancellationToken.None);
        Assert.Empty(audit.Problems);
        Assert.Equal(32, audit.Count);
        var entries = await ledger.ListAsync(product, CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, 32).Select(i => (long)i), entries.Select(e => e.Seq));
        Assert.Equal(["st-a", "st-b"], entries.Select(e => e.StationId).Distinct().Order());
    }

    [Fact]
    public async Task Run_WithFaultsKilledWithSigkillAndRestarted_LeavesNoDuplicateNoTornRecordAndEverySerialAccountedFor()
    {
        string work = Repository.TempDirectory();
        string product = "crash-" + Guid.NewGuid().ToString("N")[..8];
        string profile = await CopyProfileAsync(work, product, ledger: null);
        var random = new Random(7);
        // Field faults too (issue 5): kills land on retries, re-plug waits and reconnects, not only on clean writes.
        string[] run = ["run", "--profile", profile, "--simulate", "3", "--units", "18", "--reports", "reports", "--batch", "crash", "--seed", "5",
            "--faults", "ram-corrupt=2e-5;brownout=0.15;unplug=0.15/0.5s;bitflip=0.15;program-error=0.15;busy=0.1/0.5s"];

        for (int kill = 0; kill < 3; kill++)
        {
            await using var station = StationProcess.Start(work, run);
            await station.WaitForLineAsync("PASS unit", TimeSpan.FromMinutes(2));
            await Task.Delay(random.Next(100, 1500));
            await station.SignalAsync("KILL");
            await station.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        var final = await Station(work, [.. run, "--no-pacing"]);
        Assert.True(final.Code == 0, final.Output + final.Error);

        // The CSV has only whole rows (a torn last row from a kill is repaired on the next open).
        var rows = RunCommandTests.Csv(Path.Combine(work, "reports", "crash", "units.csv"));
        Assert.All(rows, r => Assert.Matches("^(PASS|FAIL|INTERRUPTED)$", r["result"]));
        foreach (string json in Directory.GetFiles(Path.Combine(work, "reports", "crash", "by-mac"), "*.json"))
        {
            using var _ = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(json));
        }

        await using var ledger = await SerialLedgers.OpenAsync(null, Path.Combine(work, "reports"), CancellationToken.None);
        var audit = await LedgerAudit.RunAsync(ledger, product, CancellationToken.None);
        Assert.Empty(audit.Problems);
        Assert.Empty(audit.WithoutOutcome);
        var entries = await ledger.ListAsync(product, CancellationToken.None);
        Assert.Equal(18, entries.Count);
        Assert.Equal(entries.Count, entries.Select(e => e.Mac).Distinct().Count());
        var recorded = rows.Where(r => r["result"] == "PASS").Select(r => (r["mac"], r["serial"])).ToHashSet();
        Assert.All(entries, e => Assert.Contains((e.Mac, e.Serial), recorded));
    }

    private static async Task<string> CopyProfileAsync(string work, string product, string? ledger)
    {
        string source = Path.Combine(Repository.Root(), "profiles");
        string text = await File.ReadAllTextAsync(Path.Combine(source, "demo-esp32-unique.json"));
        text = text.Replace("\"$schema\": \"./profile.schema.json\",", "", StringComparison.Ordinal)
            .Replace("\"product\": \"demo-esp32\"", $"\"product\": \"{product}\"", StringComparison.Ordinal)
            .Replace("\"format\": \"SN-{yyyy}{seq:000000}\"", "\"format\": \"{product}-{seq:000000}\"", StringComparison.Ordinal)
            .Replace("\"demo-esp32/", $"\"{source}/demo-esp32/", StringComparison.Ordinal)
            .Replace("\"demo-esp32-unique/", $"\"{source}/demo-esp32-unique/", StringComparison.Ordinal);
        if (ledger is not null)
        {
            text = text.Replace("\"serial\": {", $"\"ledger\": \"{ledger}\",\n    \"serial\": {{", StringComparison.Ordinal);
        }

        string path = Path.Combine(work, "profile.json");
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    private static Task<(int Code, string Output, string Error)> Station(string work, params string[] arguments) =>
        StationProcess.RunAsync(work, Timeout, arguments);
}
