using System.Net.Sockets;
using Station.Protocol.Chips;
using Station.Simulator.Faults;
using Station.Simulator.Hosting;
using Station.Simulator.Tests.Support;
using Station.Transport.Links;
using Station.Transport.Tcp;

namespace Station.Simulator.Tests.Hosting;

/// <summary>unplug and busy on a TCP port, modelled on a network serial server in front of the board (F6, F2).</summary>
public sealed class TcpFaultTests : IDisposable
{
    private const uint Offset = 0x10000;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sim-tcpfault-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Unplug_ConnectionDropsAndConnectsAreRefused_AfterTheDelayTheSameBoardWithItsFlashAndRecord()
    {
        var options = new SimulatorOptions { Chip = ChipCatalogue.Esp32, TcpBasePort = 0, Seed = 42, DumpDirectory = _dir, Faults = FaultSpec.Parse("unplug=1/1s") };
        await using var host = await SimulatorHost.StartAsync(options, CancellationToken.None);
        var port = host.Ports[0];
        var device = port.Device;
        var back = HostWire.NextEventAsync(device, HostWire.PluggedInAgain);
        byte[] image = Images.Pattern(0x4000, seed: 8);

        var client = await TcpLink.ConnectAsync(port.Url!, 115200, CancellationToken.None);
        LinkException gone;
        await using (client)
        {
            gone = await Assert.ThrowsAsync<LinkException>(() => HostWire.RomWriteAsync(client, Offset, image));
        }

        var refused = await Assert.ThrowsAsync<LinkException>(() => TcpLink.ConnectAsync(port.Url!, 115200, CancellationToken.None));
        var plugged = await back;
        await using var again = await TcpLink.ConnectAsync(port.Url!, 115200, CancellationToken.None);
        var mac = await HostWire.ReadMacAsync(again, ChipCatalogue.Esp32);

        Assert.Equal((LinkFailure.Gone, LinkFailure.Unreachable), (gone.Failure, refused.Failure));
        var unplug = Assert.Single(device.Log().Entries);
        Assert.Equal(("unplug", "FlashData"), (unplug.Kind, unplug.Command));
        Assert.True(plugged.At - unplug.At >= TimeSpan.FromSeconds(0.95), $"back after {plugged.At - unplug.At}");
        Assert.Same(device, host.Devices[0]);
        Assert.Equal(device.Mac, mac);
        int cut = (int)(unplug.Address!.Value - Offset);
        Assert.Equal(image.AsSpan(0, cut).ToArray(), device.Flash.Read(Offset, cut));
        var record = await FaultLog.ReadAsync(Path.Combine(_dir, device.FaultsFileName), CancellationToken.None);
        Assert.Equal(1, record.Count("unplug"));
    }

    [Fact]
    public async Task Busy_ConnectionToldPortAlreadyInUseAndClosed_UntilTheWindowEnds()
    {
        var options = new SimulatorOptions { Chip = ChipCatalogue.Esp32, TcpBasePort = 0, Faults = FaultSpec.Parse("busy=1/700ms") };
        await using var host = await SimulatorHost.StartAsync(options, CancellationToken.None);
        var port = host.Ports[0];
        var device = port.Device;
        var uri = new Uri(port.Url!.Replace(TcpLink.Scheme, "tcp://", StringComparison.Ordinal));

        byte[] answer;
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(uri.Host, uri.Port);
            answer = await ReadToEndAsync(socket);
        }

        await Task.Delay(device.Options.Faults.Port.HeldUntil!.Value - TimeProvider.System.GetUtcNow() + TimeSpan.FromMilliseconds(20));
        await using var later = await TcpLink.ConnectAsync(port.Url, 115200, CancellationToken.None);

        Assert.Equal("Port already in use\r\n"u8.ToArray(), answer);
        Assert.Equal(device.Mac, await HostWire.ReadMacAsync(later, ChipCatalogue.Esp32));
        var entry = Assert.Single(device.Log().Entries);
        Assert.Equal("busy", entry.Kind);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        using var wait = new CancellationTokenSource(HostWire.Timeout);
        var received = new List<byte>();
        var buffer = new byte[256];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, wait.Token)) > 0)
        {
            received.AddRange(buffer.AsSpan(0, n));
        }

        return [.. received];
    }
}
