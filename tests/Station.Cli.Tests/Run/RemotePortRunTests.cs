using System.Text.RegularExpressions;
using Station.Cli.Tests.Support;

namespace Station.Cli.Tests.Run;

/// <summary>
/// <c>station run</c> on ports on the network (<c>rfc2217://</c>): against the simulator's own RFC 2217
/// ports, where the station's resets move the boards' EN/IO0, and through Debian's ser2net in front of
/// a simulated device on a pseudo-terminal.
/// </summary>
public sealed partial class RemotePortRunTests
{
    private static readonly string Profile = Path.Combine(Repository.Root(), "profiles", "demo-esp32.json");
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static readonly (uint Address, string File)[] Images =
        [(0x1000, "bootloader.bin"), (0x8000, "partition-table.bin"), (0x10000, "app.bin")];

    [Fact]
    public async Task Run_OnTheSimulatorsRfc2217Ports_ResetsReachTheBoardsAndEveryUnitPasses()
    {
        string work = Repository.TempDirectory();
        // The operator takes a finished board out 2 s after it started its app: after the boot check, even on a busy machine.
        await using var simulator = StationProcess.Start(work, "simulate", "--chip", "esp32", "--count", "2", "--rfc2217", "127.0.0.1:0",
            "--dump-dir", "dumps", "--no-pacing", "--replace-finished", "2");
        await simulator.WaitForLineAsync("Ready.", TimeSpan.FromSeconds(60));
        string[] urls = [.. Rfc2217Url().Matches(simulator.Output).Select(m => m.Value)];

        var (code, output, error) = await StationProcess.RunAsync(work, Timeout, "run", "--profile", Profile, "--ports", string.Join(',', urls),
            "--units", "4", "--reports", "reports", "--batch", "remote", "--stub-dir", Repository.Stubs);

        Assert.True(code == 0, output + error);
        var rows = RunCommandTests.Csv(Path.Combine(work, "reports", "remote", "units.csv"));
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal("PASS", r["result"]));
        Assert.Equal(urls.Order(), rows.Select(r => r["port"]).Distinct().Order());
        // Each board powered on running from flash: only a reset sent over RFC 2217 put it in download
        // mode, and only a hard reset over RFC 2217 started the app whose boot log passed the check.
        Assert.All(rows, r => Assert.Equal(@"App version:\s+1\.0\.0/PASS", r["boot_check"]));
        foreach (var row in rows)
        {
            string history = await File.ReadAllTextAsync(Path.Combine(work, "reports", "remote", "by-mac", row["mac"].Replace(':', '-') + ".json"));
            Assert.Matches(@"attempt \d+ \((unix-tight|classic)[^)]*\)\): download mode \(boot:0x3\)", history);
        }
    }

    [Fact]
    public async Task Run_ThroughSer2netInFrontOfPtyDevices_EveryUnitPassesAndTheFlashHoldsTheImages()
    {
        using var cts = new CancellationTokenSource(Timeout);
        string work = Repository.TempDirectory();
        await using var simulator = StationProcess.Start(work, "simulate", "--chip", "esp32", "--count", "2", "--pty", "pty",
            "--dump-dir", "dumps", "--no-pacing");
        await simulator.WaitForLineAsync("Ready.", TimeSpan.FromSeconds(60));
        string[] slaves = [.. Enumerable.Range(0, 2).Select(i =>
            new FileInfo(Path.Combine(work, "pty", $"esp32-{i}")).ResolveLinkTarget(returnFinalTarget: true)!.FullName)];
        await using var ser2net = await Ser2Net.StartAsync(slaves, work, cts.Token);

        var (code, output, error) = await StationProcess.RunAsync(work, Timeout, "run", "--profile", Profile, "--ports", string.Join(',', ser2net.Urls),
            "--units", "2", "--reports", "reports", "--batch", "ser2net", "--stub-dir", Repository.Stubs);

        Assert.True(code == 0, output + error);
        var rows = RunCommandTests.Csv(Path.Combine(work, "reports", "ser2net", "units.csv"));
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal("PASS", r["result"]));
        Assert.Equal(ser2net.Urls.Order(), rows.Select(r => r["port"]).Order());
        // The baud ladder ran through ser2net: the pty's termios carried the raised rate to the device.
        Assert.All(rows, r => Assert.Equal("2000000", r["baud"]));
        // The simulator's flash dumps (ground truth) hold every image.
        await simulator.SignalAsync("USR1");
        await simulator.WaitForLineAsync("Dumped", TimeSpan.FromSeconds(30));
        foreach (var row in rows)
        {
            byte[] flash = await File.ReadAllBytesAsync(Path.Combine(work, "dumps", row["mac"].Replace(':', '-') + ".bin"));
            foreach (var (address, file) in Images)
            {
                byte[] image = await File.ReadAllBytesAsync(Path.Combine(Repository.Root(), "profiles", "demo-esp32", file));
                Assert.True(flash.AsSpan((int)address, image.Length).SequenceEqual(image), $"{row["mac"]} {file}");
            }
        }
    }

    [GeneratedRegex(@"rfc2217://127\.0\.0\.1:\d+")]
    private static partial Regex Rfc2217Url();
}
