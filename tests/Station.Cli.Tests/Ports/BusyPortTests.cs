using System.Diagnostics;
using Station.Cli.Tests.Support;

namespace Station.Cli.Tests.Ports;

/// <summary>
/// A port another process holds (here: a shell that took the port's lock, then became <c>sleep</c>):
/// the station names the process and what to do, never takes the port, and uses it once it is free.
/// </summary>
public sealed class BusyPortTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _work = Repository.TempDirectory();
    private StationProcess _simulator = null!;

    private string Pty => Path.Combine(_work, "pty", "esp32-0");

    public async Task InitializeAsync()
    {
        _simulator = StationProcess.Start(_work, "simulate", "--chip", "esp32", "--count", "1", "--pty", "pty", "--no-pacing", "--replace-finished", "0.5");
        await _simulator.WaitForLineAsync("Ready.", TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    [Fact]
    public async Task Info_PortLockedByAnotherProcess_Exit11NamingItsPidAndCommandAndWhatToDo()
    {
        using var holder = await HoldAsync(Pty);
        try
        {
            var (code, _, error) = await StationProcess.RunAsync(_work, Timeout, "info", "--port", Pty);

            Assert.Equal(11, code);
            Assert.Contains("E-PORT-BUSY", error, StringComparison.Ordinal);
            Assert.Contains($"is held by another program: pid {holder.Id} (sleep 60)", error, StringComparison.Ordinal);
            Assert.Contains($"What to do: Close pid {holder.Id} (sleep 60)", error, StringComparison.Ordinal);
            Assert.Contains($"kill {holder.Id}", error, StringComparison.Ordinal);
            Assert.False(holder.HasExited, "the station must not take the port from its holder");
        }
        finally
        {
            await ReleaseAsync(holder);
        }

        var free = await StationProcess.RunAsync(_work, Timeout, "info", "--port", Pty);
        Assert.True(free.ExitCode == 0, free.Error);
    }

    [Fact]
    public async Task Run_SlotPortBusy_TheSlotWaitsNamingTheHolderAndFlashesOnceItIsFree()
    {
        var holder = await HoldAsync(Pty);
        await using var run = StationProcess.Start(_work, "run", "--profile", Path.Combine(Repository.Root(), "profiles", "demo-esp32.json"),
            "--ports", Pty, "--units", "1", "--reports", "reports", "--batch", "busy", "--stub-dir", Repository.Stubs);
        try
        {
            string waiting = await run.WaitForLineAsync($"pid {holder.Id} (sleep 60)", Timeout);

            Assert.Contains("slot 1:", waiting, StringComparison.Ordinal);
            Assert.Contains("The station never takes a port from another program", waiting, StringComparison.Ordinal);
            Assert.False(holder.HasExited);
        }
        finally
        {
            await ReleaseAsync(holder);
            holder.Dispose();
        }

        Assert.Equal(0, await run.WaitForExitAsync(Timeout));
        Assert.Contains("PASS unit 1", run.Output, StringComparison.Ordinal);
    }

    /// <summary>A shell that opens the port, takes its lock (as serial tools and other stations do) and becomes sleep.</summary>
    private static async Task<Process> HoldAsync(string port)
    {
        var holder = Process.Start(new ProcessStartInfo("sh", ["-c", $"exec 3<>'{port}'; flock --nonblock 3 && echo locked; exec sleep 60"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        Assert.Equal("locked", await holder.StandardOutput.ReadLineAsync());
        return holder;
    }

    private static async Task ReleaseAsync(Process holder)
    {
        if (!holder.HasExited)
        {
            holder.Kill();
        }

        await holder.WaitForExitAsync();
    }
}
