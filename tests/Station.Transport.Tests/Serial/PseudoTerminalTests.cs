using System.Text;
using Station.Transport.Links;
using Station.Transport.Serial;
using static Station.Transport.Tests.LinkReading;

namespace Station.Transport.Tests.Serial;

/// <summary>The device end: what the simulator relies on.</summary>
public sealed class PseudoTerminalTests
{
    [Fact]
    public async Task Create_WithLinkPath_HostOpensTheLinkAndUnplugRemovesIt()
    {
        using var cts = Deadline();
        string link = Path.Combine(Path.GetTempPath(), $"station-tty-{Guid.NewGuid():N}");
        using var pty = PseudoTerminal.Create(link);

        Assert.Equal(pty.SlavePath, new FileInfo(link).LinkTarget);
        Assert.Equal(link, pty.HostPath);
        Assert.StartsWith("/dev/pts/", pty.SlavePath);
        await using (var host = await PosixSerialLink.OpenAsync(link, 115200, cts.Token))
        {
            await host.WriteAsync("hi"u8.ToArray(), cts.Token);
            Assert.Equal("hi", Encoding.ASCII.GetString(await pty.Device.ReadExactlyAsync(2, cts.Token)));
        }

        pty.Unplug();

        Assert.True(pty.IsUnplugged);
        Assert.Null(new FileInfo(link).LinkTarget);
        Assert.False(File.Exists(link));
    }

    [Fact]
    public void Create_OverAStaleLink_ReplacesIt()
    {
        string link = Path.Combine(Path.GetTempPath(), $"station-tty-{Guid.NewGuid():N}");
        File.CreateSymbolicLink(link, "/dev/pts/station-gone");
        try
        {
            using var pty = PseudoTerminal.Create(link);

            Assert.Equal(pty.SlavePath, new FileInfo(link).LinkTarget);
        }
        finally
        {
            File.Delete(link);
        }
    }

    [Fact]
    public void Create_OverARegularFile_RefusesAndLeavesIt()
    {
        string file = Path.GetTempFileName();
        try
        {
            var e = Assert.Throws<LinkException>(() => PseudoTerminal.Create(file));

            Assert.Contains("is not a symlink", e.Message);
            Assert.True(File.Exists(file));
            Assert.Null(new FileInfo(file).LinkTarget);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Device_HostClosesAndReopens_DeviceEndKeepsWorking()
    {
        using var cts = Deadline();
        using var pty = PseudoTerminal.Create();
        await using (var first = await PosixSerialLink.OpenAsync(pty.SlavePath, 115200, cts.Token))
        {
            await first.WriteAsync("one"u8.ToArray(), cts.Token);
            Assert.Equal("one", Encoding.ASCII.GetString(await pty.Device.ReadExactlyAsync(3, cts.Token)));
        }

        await using var second = await PosixSerialLink.OpenAsync(pty.SlavePath, 230400, cts.Token);
        await second.WriteAsync("two"u8.ToArray(), cts.Token);
        Assert.Equal("two", Encoding.ASCII.GetString(await pty.Device.ReadExactlyAsync(3, cts.Token)));
        await pty.Device.WriteAsync("ack"u8.ToArray(), cts.Token);
        Assert.Equal("ack", Encoding.ASCII.GetString(await second.ReadExactlyAsync(3, cts.Token)));
        Assert.Equal(230400, pty.Device.HostBaud);
    }

    [Fact]
    public async Task Device_BeforeAnyHost_ReportsTheInitialBaudAndNoLines()
    {
        using var pty = PseudoTerminal.Create();
        int changes = 0;
        pty.Device.LinesChanged += _ => changes++;

        await pty.Device.SetLinesAsync(true, true, CancellationToken.None);

        Assert.Equal(PseudoTerminal.InitialBaud, pty.Device.HostBaud);
        Assert.Equal(default, pty.Device.Lines);
        Assert.Equal(new LinkCapabilities(ModemLines: false, Baud: false), pty.Device.Capabilities);
        Assert.Equal(0, changes);
    }

    [Fact]
    public async Task Device_DiscardInput_DropsWhatTheHostWrote()
    {
        using var cts = Deadline();
        using var pty = PseudoTerminal.Create();
        await using var host = await PosixSerialLink.OpenAsync(pty.SlavePath, 115200, cts.Token);
        await host.WriteAsync("stale"u8.ToArray(), cts.Token);

        await pty.Device.DiscardInputAsync(cts.Token);
        await host.WriteAsync("fresh"u8.ToArray(), cts.Token);

        Assert.Equal("fresh", Encoding.ASCII.GetString(await pty.Device.ReadExactlyAsync(5, cts.Token)));
    }

    [Fact]
    public async Task Device_UnpluggedWhileReading_FailsGoneAndHostBaudIsNull()
    {
        using var cts = Deadline();
        var pty = PseudoTerminal.Create();
        var pending = pty.Device.ReadAsync(new byte[8], cts.Token).AsTask();

        await pty.Device.DisposeAsync();

        var e = await Assert.ThrowsAsync<LinkException>(() => pending);
        Assert.Equal(LinkFailure.Gone, e.Failure);
        Assert.Contains("unplugged", e.Message);
        Assert.True(pty.IsUnplugged);
        Assert.Null(pty.Device.HostBaud);
        Assert.Equal(PseudoTerminal.InitialBaud, pty.Device.Baud);
    }

    [Fact]
    public async Task Device_CancelledRead_ThrowsAndTheNextReadGetsTheBytes()
    {
        using var cts = Deadline();
        using var pty = PseudoTerminal.Create();
        await using var host = await PosixSerialLink.OpenAsync(pty.SlavePath, 115200, cts.Token);
        using var cancel = new CancellationTokenSource();
        var pending = pty.Device.ReadAsync(new byte[8], cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        await host.WriteAsync("x"u8.ToArray(), cts.Token);
        Assert.Equal("x", Encoding.ASCII.GetString(await pty.Device.ReadExactlyAsync(1, cts.Token)));
    }
}
