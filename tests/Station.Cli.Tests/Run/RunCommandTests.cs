using System.Text.Json;
using System.Text.RegularExpressions;
using Station.Cli.Tests.Support;

namespace Station.Cli.Tests.Run;

/// <summary>
/// <c>station run</c> as a user runs it, checked against the simulator's ground truth (its flash
/// dumps) and the records on disk — not against the station's own view.
/// </summary>
public partial class RunCommandTests
{
    private static readonly string Profile = Path.Combine(Repository.Root(), "profiles", "demo-esp32.json");
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static readonly (uint Address, string File)[] Images =
        [(0x1000, "bootloader.bin"), (0x8000, "partition-table.bin"), (0x10000, "app.bin")];

    [Fact]
    public async Task Run_DemoProfileOnSimulatedSlots_EveryUnitPassesItsBootCheckAndEveryDumpHoldsTheImages()
    {
        string work = Repository.TempDirectory();

        var (code, output, error) = await StationProcess.RunAsync(work, Timeout, "run", "--profile", Profile, "--simulate", "4", "--units", "10",
            "--no-pacing", "--reports", "reports", "--batch", "b1", "--stub-dir", Repository.Stubs, "--operator", "ana", "--station-id", "st-7");

        Assert.True(code == 0, output + error);
        var rows = Csv(Path.Combine(work, "reports", "b1", "units.csv"));
        Assert.Equal(10, rows.Count);
        Assert.All(rows, r => Assert.Equal("PASS", r["result"]));
        Assert.All(rows, r => Assert.Equal(@"App version:\s+1\.0\.0/PASS", r["boot_check"]));
        Assert.All(rows, r => Assert.Equal("0x1000=ok;0x8000=ok;0x10000=ok", r["md5_verified"]));
        Assert.All(rows, r => Assert.Equal(("ana", "st-7", "demo-esp32", "1.0.0"), (r["operator"], r["station_id"], r["profile"], r["profile_version"])));
        Assert.Equal(10, rows.Select(r => r["mac"]).Distinct().Count());
        foreach (var row in rows)
        {
            byte[] flash = await File.ReadAllBytesAsync(Path.Combine(work, "reports", "b1", "sim-dumps", row["mac"].Replace(':', '-') + ".bin"));
            foreach (var (address, file) in Images)
            {
                byte[] image = await File.ReadAllBytesAsync(Path.Combine(Repository.Root(), "profiles", "demo-esp32", file));
                Assert.True(flash.AsSpan((int)address, image.Length).SequenceEqual(image), $"{row["mac"]} {file}");
            }

            Assert.True(File.Exists(Path.Combine(work, "reports", "b1", "by-mac", row["mac"].Replace(':', '-') + ".json")));
        }

        var report = await StationProcess.RunAsync(work, Timeout, "report", "--batch", "b1", "--reports", "reports", "--json");
        Assert.Equal(0, report.ExitCode);
        using var json = JsonDocument.Parse(report.Output);
        Assert.Contains("100", report.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ProfileForAnotherChip_EveryUnitFailsFastAndNothingIsWritten()
    {
        string work = Repository.TempDirectory();
        string profile = await CopyProfileAsync(work, p => p.Replace("\"chip\": \"esp32\"", "\"chip\": \"esp32s3\"", StringComparison.Ordinal));
        await using var simulator = StationProcess.Start(work, "simulate", "--chip", "esp32", "--count", "2", "--tcp", "127.0.0.1:0", "--dump-dir", "dumps", "--no-pacing");
        await simulator.WaitForLineAsync("Ready.", TimeSpan.FromSeconds(60));
        var urls = UrlLine().Matches(simulator.Output).Select(m => m.Value).ToList();

        var (code, output, error) = await StationProcess.RunAsync(work, Timeout, "run", "--profile", profile, "--ports", string.Join(',', urls),
            "--units", "2", "--reports", "reports", "--batch", "wrong");

        Assert.True(code == 4, output + error);
        var rows = Csv(Path.Combine(work, "reports", "wrong", "units.csv"));
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(("FAIL", "E-CHIP-MISMATCH", "1"), (r["result"], r["error_code"], r["attempt"])));
        Assert.All(rows, r => Assert.Equal("", r["t_write_s"]));
        await simulator.SignalAsync("INT");
        await simulator.WaitForExitAsync(TimeSpan.FromSeconds(30));
        foreach (string dump in Directory.GetFiles(Path.Combine(work, "dumps")))
        {
            Assert.All(await File.ReadAllBytesAsync(dump), b => Assert.Equal(0xFF, b));
        }
    }

    [Fact]
    public async Task Run_TamperedImage_RefusesTheWholeJob()
    {
        string work = Repository.TempDirectory();
        string profile = await CopyProfileAsync(work, p => p);
        string app = Path.Combine(work, "demo-esp32", "app.bin");
        byte[] bytes = await File.ReadAllBytesAsync(app);
        bytes[1000] ^= 0x40;
        await File.WriteAllBytesAsync(app, bytes);

        var (code, _, error) = await StationProcess.RunAsync(work, Timeout, "run", "--profile", profile, "--simulate", "1", "--units", "1", "--reports", "reports", "--batch", "t");

        Assert.Equal(5, code);
        Assert.Contains("$.images[2].sha256", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(work, "reports", "t", "units.csv")) && Csv(Path.Combine(work, "reports", "t", "units.csv")).Count > 0);
    }

    [Fact]
    public async Task Run_CtrlCTwiceMidRun_LeavesEveryStartedAttemptRecorded()
    {
        string work = Repository.TempDirectory();
        await using var station = StationProcess.Start(work, "run", "--profile", Profile, "--simulate", "3", "--units", "60",
            "--reports", "reports", "--batch", "sig", "--stub-dir", Repository.Stubs);
        await station.WaitForLineAsync("PASS unit", TimeSpan.FromMinutes(2));

        await station.SignalAsync("INT");
        await station.SignalAsync("INT");
        int code = await station.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.Contains(code, new[] { 0, 130 });
        var started = Started(Path.Combine(work, "reports", "sig", "station.log"));
        var recorded = Csv(Path.Combine(work, "reports", "sig", "units.csv")).Select(r => (int.Parse(r["unit"], System.Globalization.CultureInfo.InvariantCulture), int.Parse(r["attempt"], System.Globalization.CultureInfo.InvariantCulture))).ToHashSet();
        Assert.NotEmpty(started);
        Assert.Equal(started.Order(), recorded.Order());
        Assert.True(recorded.Count < 60);
    }

    [Fact]
    public async Task Run_SecondStationOnABatchBeingWritten_IsRefusedAndTheFirstKeepsItsRecords()
    {
        string work = Repository.TempDirectory();
        await using var first = StationProcess.Start(work, "run", "--profile", Profile, "--simulate", "2", "--units", "40", "--batch", "busy");
        await first.WaitForLineAsync("PASS unit", TimeSpan.FromMinutes(2));

        var second = await StationProcess.RunAsync(work, TimeSpan.FromMinutes(1), "run", "--profile", Profile, "--simulate", "2", "--units", "2", "--batch", "busy", "--no-pacing");
        await first.SignalAsync("INT");
        await first.SignalAsync("INT");
        await first.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(8, second.ExitCode);
        Assert.Contains("being written by another station process", second.Error, StringComparison.Ordinal);
        var rows = Csv(Path.Combine(work, "reports", "busy", "units.csv"));
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal("busy", r["batch"]));
        Assert.Equal(rows.Count, rows.Select(r => r["record_id"]).Distinct().Count());
    }

    [Fact]
    public async Task Run_MixedTcpAndPtyPortsOnAnExternalSimulator_MakesMoreUnitsThanSlots()
    {
        string work = Repository.TempDirectory();
        await using var simulator = StationProcess.Start(work, "simulate", "--chip", "esp32", "--count", "2", "--tcp", "127.0.0.1:0", "--pty", "pty",
            "--dump-dir", "dumps", "--no-pacing", "--replace-finished", "0.5");
        await simulator.WaitForLineAsync("Ready.", TimeSpan.FromSeconds(60));
        string tcp = UrlLine().Matches(simulator.Output)[0].Value;
        string pty = Path.Combine(work, "pty", "esp32-1");

        var (code, output, error) = await StationProcess.RunAsync(work, Timeout, "run", "--profile", Profile, "--ports", $"{tcp},{pty}",
            "--units", "5", "--reports", "reports", "--batch", "mixed", "--stub-dir", Repository.Stubs);

        Assert.True(code == 0, output + error);
        var rows = Csv(Path.Combine(work, "reports", "mixed", "units.csv"));
        Assert.Equal(5, rows.Count);
        Assert.Equal(5, rows.Select(r => r["mac"]).Distinct().Count());
        Assert.Equal(new[] { pty, tcp }.Order(), rows.Select(r => r["port"]).Distinct().Order());
    }

    [Fact]
    public async Task Run_SkipMatchingOnABoardThatHoldsTheImages_WritesNothingAndVerifiesEveryRegion()
    {
        string work = Repository.TempDirectory();
        string profile = await CopyProfileAsync(work, p => p.Replace("\"md5\": true", "\"md5\": true, \"skipMatching\": true", StringComparison.Ordinal));
        await using var simulator = StationProcess.Start(work, "simulate", "--chip", "esp32", "--count", "1", "--tcp", "127.0.0.1:0", "--no-pacing");
        await simulator.WaitForLineAsync("Ready.", TimeSpan.FromSeconds(60));
        string url = UrlLine().Matches(simulator.Output)[0].Value;
        string[] run = ["run", "--profile", profile, "--ports", url, "--units", "1", "--reports", "reports", "--stub-dir", Repository.Stubs];

        var first = await StationProcess.RunAsync(work, Timeout, [.. run, "--batch", "blank"]);
        var again = await StationProcess.RunAsync(work, Timeout, [.. run, "--batch", "again"]);

        Assert.True(first.ExitCode == 0, first.Output + first.Error);
        Assert.True(again.ExitCode == 0, again.Output + again.Error);
        using var blank = JsonDocument.Parse(await File.ReadAllTextAsync(Directory.GetFiles(Path.Combine(work, "reports", "blank", "by-mac")).Single()));
        using var held = JsonDocument.Parse(await File.ReadAllTextAsync(Directory.GetFiles(Path.Combine(work, "reports", "again", "by-mac")).Single()));
        var firstRegions = blank.RootElement.GetProperty("attempts")[0].GetProperty("regions").EnumerateArray().ToList();
        var againRegions = held.RootElement.GetProperty("attempts")[0].GetProperty("regions").EnumerateArray().ToList();
        Assert.Equal(3, firstRegions.Count);
        Assert.All(firstRegions, r => Assert.True(r.GetProperty("written").GetBoolean() && r.GetProperty("verified").GetBoolean()));
        Assert.Equal(3, againRegions.Count);
        Assert.All(againRegions, r => Assert.True(!r.GetProperty("written").GetBoolean() && r.GetProperty("verified").GetBoolean()));
        Assert.Equal("PASS", held.RootElement.GetProperty("attempts")[0].GetProperty("result").GetString());
    }

    private static async Task<string> CopyProfileAsync(string work, Func<string, string> edit)
    {
        string source = Path.Combine(Repository.Root(), "profiles");
        Directory.CreateDirectory(Path.Combine(work, "demo-esp32"));
        foreach (var (_, file) in Images)
        {
            File.Copy(Path.Combine(source, "demo-esp32", file), Path.Combine(work, "demo-esp32", file));
        }

        string profile = Path.Combine(work, "profile.json");
        string text = await File.ReadAllTextAsync(Path.Combine(source, "demo-esp32.json"));
        await File.WriteAllTextAsync(profile, edit(text.Replace("\"$schema\": \"./profile.schema.json\",", "", StringComparison.Ordinal)));
        return profile;
    }

    /// <summary>(unit, attempt) of every "started" event in the batch's structured log.</summary>
    private static HashSet<(int, int)> Started(string log)
    {
        var started = new HashSet<(int, int)>();
        foreach (string line in File.ReadAllLines(log))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.GetProperty("MessageTemplate").GetString() == "unit {Unit} attempt {Attempt} started")
            {
                var p = root.GetProperty("Properties");
                started.Add((p.GetProperty("Unit").GetInt32(), p.GetProperty("Attempt").GetInt32()));
            }
        }

        return started;
    }

    internal static List<Dictionary<string, string>> Csv(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvHelper.CsvReader(reader, System.Globalization.CultureInfo.InvariantCulture);
        return csv.GetRecords<dynamic>().Select(r => ((IDictionary<string, object>)r).ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "")).ToList();
    }

    [GeneratedRegex(@"socket://127\.0\.0\.1:\d+")]
    private static partial Regex UrlLine();
}
