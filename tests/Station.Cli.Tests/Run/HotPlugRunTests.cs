using Station.Cli.Tests.Support;

namespace Station.Cli.Tests.Run;

/// <summary>
/// <c>station run --ports-glob</c> on a line whose ports come and go: a slot starts when its port
/// appears, waits (parked) while it is gone, and carries on when it is back; a port that appears
/// later gets a slot of its own.
/// </summary>
public sealed class HotPlugRunTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Run_PortsGlob_SlotsStartAsPortsAppearAndAVanishedPortParksItsSlotUntilItIsBack()
    {
        string work = Repository.TempDirectory();
        string pattern = Path.Combine(work, "pty", "esp32-*");
        await using var run = StationProcess.Start(work, "run", "--profile", Path.Combine(Repository.Root(), "profiles", "demo-esp32.json"),
            "--ports-glob", pattern, "--units", "3", "--reports", "reports", "--batch", "hotplug", "--stub-dir", Repository.Stubs);
        await run.WaitForLineAsync($"No port matches {pattern} yet", Timeout);

        // A fixture is plugged in: its port appears and gets slot 1, which flashes the board there.
        await using (var first = StationProcess.Start(work, "simulate", "--chip", "esp32", "--count", "1", "--pty", "pty", "--no-pacing", "--seed", "1"))
        {
            await run.WaitForLineAsync("slot 1: Take the finished board out and insert the next one.", Timeout);

            // The fixture is unplugged: its port goes away, and slot 1 waits for it.
            await first.SignalAsync("TERM");
            Assert.Equal(0, await first.WaitForExitAsync(Timeout));
        }

        await run.WaitForLineAsync("slot 1: Insert a board into slot 1.", Timeout);

        // Plugged in again with a second fixture beside it: slot 1 carries on, the new port is slot 2.
        await using var second = StationProcess.Start(work, "simulate", "--chip", "esp32", "--count", "2", "--pty", "pty", "--no-pacing", "--seed", "2");
        Assert.True(await run.WaitForExitAsync(Timeout) == 0, run.Output + run.Error);

        var rows = RunCommandTests.Csv(Path.Combine(work, "reports", "hotplug", "units.csv"));
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal("PASS", r["result"]));
        Assert.Equal(3, rows.Select(r => r["mac"]).Distinct().Count());
        Assert.Equal(
            [("1", Path.Combine(work, "pty", "esp32-0")), ("1", Path.Combine(work, "pty", "esp32-0")), ("2", Path.Combine(work, "pty", "esp32-1"))],
            rows.Select(r => (r["slot"], r["port"])).Order());
    }
}
