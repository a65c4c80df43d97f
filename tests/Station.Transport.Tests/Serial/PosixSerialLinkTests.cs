using System.Diagnostics;
using System.Text;
using Station.Transport.Links;
using Station.Transport.Serial;
using static Station.Transport.Tests.LinkReading;

namespace Station.Transport.Tests.Serial;

/// <summary>The host side over a real pty: termios2, exclusivity, errors, the reactor.</summary>
public sealed class PosixSerialLinkTests
{
    [Fact]
    public async Task PosixSerialLink_OneMebibyteEachWayAtOnce_ArrivesIntact()
    {
        using var cts = Deadline();
        using var pty = PseudoTerminal.Create();
        await using var host = await PosixSerialLink.OpenAsync(pty.SlavePath, 921600, cts.Token);
        byte[] toDevice = Pattern(1 << 20, seed: 1);
        byte[] toHost = Pattern(1 << 20, seed: 2);

        var deviceReceived = pty.Device.ReadExactlyAsync(toDevice.Length, cts.Token);
        var hostReceived = host.ReadExactlyAsync(toHost.Length, cts.Token);
        await Task.WhenAll(
            host.WriteAsync(toDevice, cts.Token).AsTask(),
            pty.Device.WriteAsync(toHost, cts.Token).AsTask(),
            deviceReceived,
            hostReceived);

        SameBytes(toDevice, await deviceReceived);
        SameBytes(toHost, await hostReceived);
    }

    [Fact]
    public async Task PosixSerialLink_AllByteValues_PassUnchangedBothWays()
    {
        using var cts = Deadline();
        using var pty = PseudoTerminal.Create();
        await using var host = await PosixSerialLink.OpenAsync(pty.SlavePath, 115200, cts.Token);
        // Twice, forwards and backwards: CR/LF, XON/XOFF, ^C, ^D, DEL and 0xFF next to each other and alone.
        byte[] all = [.. Enumerable.Range(0, 256).Select(i => (byte)i), .. Enumerable.Range(0, 256).Select(i => (byte)(255 - i))];

        await host.WriteAsync(all, cts.Token);
        SameBytes(all, await pty.Device.ReadExactlyAsync(all.Length, cts.Token));

        await pty.Device.WriteAsync(all, cts.Token);
        SameBytes(all, await host.ReadExactlyAsync(all.Length, cts.Token));
    }

    [Theory]
    [InlineData(115200)]
    [InlineData(921600)]
    [InlineData(2000000)]
    [InlineData(3000000)]
    [InlineData(1234567)]
    public async Task OpenAsync_AnyBaud_ReadBackByHostAndSeenByDevice(int baud)
    {
        using var cts = Deadline();
        using var pty = PseudoTerminal.Create();
        await using var host = await PosixSerialLink.OpenAsync(pty.SlavePath, baud, cts.Token);

        Assert.Equal(baud, host.Baud);
        Assert.Equal(baud, pty.Device.HostBaud);
    }

    [Fact]
    public async Task SetBaudAsync_AfterOpen_ChangesTheHostBaud()
    {
        using var cts = Deadline();
        using var pty = PseudoTerminal.Create();
        await using var host = await PosixSerialLink.OpenAsync(pty.SlavePath, 115200, cts.Token);

        await host.SetBaudAsync(2000000, cts.Token);

        Assert.Equal(2000000, host.Baud);
        Assert.Equal(2000000, pty.Device.HostBaud);
        Assert.Equal(2000000, pty.Device.Baud);
    }

    [Fact]
    public async Task OpenAsync_PortAlreadyOpen_FailsBusyNamingThisProcess()
    {
        using var cts = Deadline();
        using var pty = PseudoTerminal.Create();
        await using var first = await PosixSerialLink.OpenAsync(pty.SlavePath, 115200, cts.Token);

        var e = await Assert.ThrowsAsync<LinkException>(() => PosixSerialLink.OpenAsync(pty.SlavePath, 115200, cts.Token));

        Assert.Equal(LinkFailure.Busy, e.Failure);
        Assert.Equal(pty.SlavePath, e.Port);
        Assert.StartsWith($"pid {Environment.ProcessId} (", e.Holder);
        Assert.Contains($"is held by {e.Holder}; close that program", e.Message);
    }

    [Fact]
    public async Task OpenAsync_PortLockedByAnotherProgram_NamesThatProgram()
    {
        using var cts = Deadline();
        using var pty = PseudoTerminal.Create();
        // flock(1) takes the same lock a second station or a serial tool would hold. The shell keeps the
        // descriptor and becomes sleep, so one child process (ours to kill and wait for) holds the lock.
        string script = $"exec 3<>{pty.SlavePath}; flock --nonblock 3 && echo locked; exec sleep 60";
        using var holder = Process.Start(new ProcessStartInfo("sh", ["-c", script])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        try
        {
            Assert.Equal("locked", await holder.StandardOutput.ReadLineAsync(cts.Token));

            var e = await Assert.ThrowsAsync<LinkException>(() => PosixSerialLink.OpenAsync(pty.SlavePath, 115200, cts.Token));

            Assert.Equal(LinkFailure.Busy, e.Failure);
            Assert.Equal($"pid {holder.Id} (sleep 60)", e.Holder);
            Assert.Equal($"{pty.SlavePath} is held by pid {holder.Id} (sleep 60); close that program.", e.Message);
        }
        finally
        {
            holder.Kill();
            await holder.WaitForExitAsync(CancellationToken.None);
        }

        await using var link = await PosixSerialLink.OpenAsync(pty.SlavePath, 115200, cts.Token);
    }

    [Fact]
    public async Task OpenAsync_AfterTheHolderClosed_Succeeds()
    {
        using var cts = Deadline();
        using var pty = PseudoTerminal.Create();
        var first = await PosixSerialLink.OpenAsync(pty.SlavePath, 115200, cts.Token);
        await first.DisposeAsync();
        await first.DisposeAsync();

        await using var second = await PosixSerialLink.OpenAsync(pty.SlavePath, 115200, cts.Token);
        await pty.Device.WriteAsync("again"u8.ToArray(), cts.Token);

        Assert.Equal("again", Encoding.ASCII.GetString(await second.ReadExactlyAsync(5, cts.Token)));
    }

    [Fact]
    public async Task OpenAsync_MissingPath_FailsNotFound()
    {
        var e = await Assert.ThrowsAsync<LinkException>(() => PosixSerialLink.OpenAsync("/dev/station-no-such-port", 115200, CancellationToken.None));

        Assert.Equal(LinkFailure.NotFound, e.Failure);
        Assert.Equal(2, e.Errno);
    }

    [Fact]
    public async Task OpenAsync_DevNull_FailsNotASerialPort()
    {
        var e = await Assert.ThrowsAsync<LinkException>(() => PosixSerialLink.OpenAsync("/dev/null", 115200, CancellationToken.None));

        Assert.Equal(LinkFailure.NotASerialPort, e.Failure);
    }

    [Fact]
    public async Task OpenAsync_RegularFile_FailsNotASerialPort()
    {
        string file = Path.GetTempFileName();
        try
        {
            var e = await Assert.ThrowsAsync<LinkException>(() => PosixSerialLink.OpenAsync(file, 115200, CancellationToken.None));

            Assert.Equal(LinkFailure.NotASerialPort, e.Failure);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ReadAsync_UnpluggedWhilePending_FailsGone()
    {
        using var cts = Deadline();
        var pty = PseudoTerminal.Create();
        await using var host = await PosixSerialLink.OpenAsync(pty.SlavePath, 115200, cts.Token);
        var pending = host.ReadAsync(new byte[16], cts.Token).AsTask();
        Assert.False(pending.IsCompleted);

        pty.Unplug();

        var e = await Assert.ThrowsAsync<LinkException>(() => pending);
        Assert.Equal(LinkFailure.Gone, e.Failure);
        Assert.Contains("disappeared", e.Message);
        var write = await Assert.ThrowsAsync<LinkException>(() => host.WriteAsync(new byte[1], cts.Token).AsTask());
        Assert.Equal(LinkFailure.Gone, write.Failure);
    }

    [Fact]
    public async Task ReadAsync_DisposedWhilePending_FailsGone()
    {
        using var cts = Deadline();
        using var pty = PseudoTerminal.Create();
        var host = await PosixSerialLink.OpenAsync(pty.SlavePath, 115200, cts.Token);
        var pending = host.ReadAsync(new byte[16], cts.Token).AsTask();

        await host.DisposeAsync();

        var e = await Assert.ThrowsAsync<LinkException>(() => pending);
        Assert.Equal(LinkFailure.Gone, e.Failure);
    }

    [Fact]
    public async Task ReadAsync_CancelledWhilePending_ThrowsAndTheLinkStillWorks()
    {
        using var cts = Deadline();
        using var pty = PseudoTerminal.Create();
        await using var host = await PosixSerialLink.OpenAsync(pty.SlavePath, 115200, cts.Token);
        using var cancel = new CancellationTokenSource();
        var pending = host.ReadAsync(new byte[16], cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        await pty.Device.WriteAsync("still here"u8.ToArray(), cts.Token);
        Assert.Equal("still here", Encoding.ASCII.GetString(await host.ReadExactlyAsync(10, cts.Token)));
    }

    [Fact]
    public async Task DiscardInputAsync_BytesWaiting_AreDropped()
    {
        using var cts = Deadline();
        using var pty = PseudoTerminal.Create();
        await using var host = await PosixSerialLink.OpenAsync(pty.SlavePath, 115200, cts.Token);
        // The master's write() puts the bytes in the slave's buffer before returning, so they are there to drop.
        await pty.Device.WriteAsync("boot log noise"u8.ToArray(), cts.Token);

        await host.DiscardInputAsync(cts.Token);
        await pty.Device.WriteAsync("fresh"u8.ToArray(), cts.Token);

        Assert.Equal("fresh", Encoding.ASCII.GetString(await host.ReadExactlyAsync(5, cts.Token)));
    }

    [Fact]
    public async Task Capabilities_OnAPty_NoModemLinesAndSetLinesIsANoOp()
    {
        using var cts = Deadline();
        using var pty = PseudoTerminal.Create();
        await using var host = await PosixSerialLink.OpenAsync(pty.SlavePath, 115200, cts.Token);

        Assert.Equal(new LinkCapabilities(ModemLines: false, Baud: true), host.Capabilities);
        await host.SetLinesAsync(true, false, cts.Token);
        await host.SetLinesAsync(null, true, cts.Token);
        await host.SetLinesAsync(false, null, cts.Token);
        await pty.Device.WriteAsync("ok"u8.ToArray(), cts.Token);
        Assert.Equal("ok", Encoding.ASCII.GetString(await host.ReadExactlyAsync(2, cts.Token)));
    }

    [Fact]
    public async Task LinkFactory_DevicePath_OpensAPosixSerialLink()
    {
        using var cts = Deadline();
        using var pty = PseudoTerminal.Create();

        await using var link = await LinkFactory.Default().OpenAsync(pty.SlavePath, 460800, cts.Token);

        Assert.IsType<PosixSerialLink>(link);
        Assert.Equal(pty.SlavePath, link.Name);
        Assert.Equal(460800, pty.Device.HostBaud);
    }

    [Fact]
    public async Task PosixSerialLink_SixtyFourPortsAtOnce_ShareOneReactorThread()
    {
        using var cts = Deadline();
        const int Ports = 64;
        var ptys = Enumerable.Range(0, Ports).Select(_ => PseudoTerminal.Create()).ToArray();
        var hosts = new IByteLink[Ports];
        try
        {
            for (int i = 0; i < Ports; i++)
            {
                hosts[i] = await PosixSerialLink.OpenAsync(ptys[i].SlavePath, 921600, cts.Token);
            }

            await Task.WhenAll(Enumerable.Range(0, Ports).Select(async i =>
            {
                byte[] request = Pattern(16 * 1024, seed: i);
                var received = ptys[i].Device.ReadExactlyAsync(request.Length, cts.Token);
                await hosts[i].WriteAsync(request, cts.Token);
                byte[] echoed = await received;
                var reply = hosts[i].ReadExactlyAsync(echoed.Length, cts.Token);
                await ptys[i].Device.WriteAsync(echoed, cts.Token);
                SameBytes(request, await reply);
            }));

            Assert.Equal(1, ReactorThreads());
        }
        finally
        {
            foreach (var host in hosts.Where(h => h is not null))
            {
                await host.DisposeAsync();
            }

            foreach (var pty in ptys)
            {
                pty.Dispose();
            }
        }
    }

    /// <summary>Threads of this process named like the reactor (threads may end while we look: skip those).</summary>
    private static int ReactorThreads() =>
        Directory.EnumerateDirectories("/proc/self/task").Count(task =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(task, "comm")).Trim() == "serial reactor";
            }
            catch (IOException)
            {
                return false;
            }
        });
}
