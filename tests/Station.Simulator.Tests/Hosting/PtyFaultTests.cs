using Station.Protocol.Chips;
using Station.Simulator.Faults;
using Station.Simulator.Hosting;
using Station.Simulator.Tests.Support;
using Station.Transport.Links;
using Station.Transport.Serial;

namespace Station.Simulator.Tests.Hosting;

/// <summary>unplug and busy on a pseudo-terminal, modelled on a USB serial port (F6, F2).</summary>
public sealed class PtyFaultTests : IDisposable
{
    private const uint Offset = 0x10000;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sim-ptyfault-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Unplug_OpenPortFailsAndItsPathDisappears_AfterTheDelayTheSamePathTheSameBoardWithItsFlash()
    {
        var options = new SimulatorOptions { Chip = ChipCatalogue.Esp32C3, PtyDirectory = _dir, Seed = 42, Faults = FaultSpec.Parse("unplug=1/1s") };
        await using var host = await SimulatorHost.StartAsync(options, CancellationToken.None);
        string path = host.Ports[0].PtyPath!;
        var device = host.Devices[0];
        var back = HostWire.NextEventAsync(device, HostWire.PluggedInAgain);
        byte[] image = Images.Pattern(0x4000, seed: 9);

        IByteLink port = await PosixSerialLink.OpenAsync(path, 115200, CancellationToken.None);
        LinkException gone;
        await using (port)
        {
            gone = await Assert.ThrowsAsync<LinkException>(() => HostWire.RomWriteAsync(port, Offset, image));
        }

        var missing = await Assert.ThrowsAsync<LinkException>(() => PosixSerialLink.OpenAsync(path, 115200, CancellationToken.None));
        var plugged = await back;
        IByteLink again = await PosixSerialLink.OpenAsync(path, 115200, CancellationToken.None);
        await using (again)
        {
            Assert.Equal(device.Mac, await HostWire.ReadMacAsync(again, ChipCatalogue.Esp32C3));
        }

        Assert.Equal((LinkFailure.Gone, LinkFailure.NotFound), (gone.Failure, missing.Failure));
        var unplug = Assert.Single(device.Log().Entries);
        Assert.Equal("unplug", unplug.Kind);
        Assert.True(plugged.At - unplug.At >= TimeSpan.FromSeconds(0.95), $"back after {plugged.At - unplug.At}");
        Assert.Same(device, host.Devices[0]);
        int cut = (int)(unplug.Address!.Value - Offset);
        Assert.Equal(image.AsSpan(0, cut).ToArray(), device.Flash.Read(Offset, cut));
    }

    [Fact]
    public async Task Busy_AnotherProcessHoldsTheFlock_ExclusiveOpenFailsNamingIt_UntilTheWindowEnds()
    {
        var options = new SimulatorOptions { Chip = ChipCatalogue.Esp32, PtyDirectory = _dir, Faults = FaultSpec.Parse("busy=1/1s") };
        await using var host = await SimulatorHost.StartAsync(options, CancellationToken.None);
        string path = host.Ports[0].PtyPath!;
        var device = host.Devices[0];

        var busy = await Assert.ThrowsAsync<LinkException>(() => PosixSerialLink.OpenAsync(path, 115200, CancellationToken.None));
        await Task.Delay(device.Options.Faults.Port.HeldUntil!.Value - TimeProvider.System.GetUtcNow());
        IByteLink later = await OpenOnceTheHolderIsGoneAsync(path);
        await using (later)
        {
            Assert.Equal(device.Mac, await HostWire.ReadMacAsync(later, ChipCatalogue.Esp32));
        }

        Assert.Equal(LinkFailure.Busy, busy.Failure);
        Assert.Matches(@"^pid \d+ \(", busy.Holder); // flock(1) or its command, whichever /proc lists first
        var entry = Assert.Single(device.Log().Entries);
        Assert.Equal("busy", entry.Kind);
        Assert.Contains("held by another process (flock, pid ", entry.Detail, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    /// <summary>
    /// The holder is a real process that ends at the window's end; it may take a moment to exit, so the open is
    /// retried while the port is still reported busy (a bounded wait on another process, not on the simulator).
    /// </summary>
    private static async Task<IByteLink> OpenOnceTheHolderIsGoneAsync(string path)
    {
        using var limit = new CancellationTokenSource(HostWire.Timeout);
        while (true)
        {
            try
            {
                return await PosixSerialLink.OpenAsync(path, 115200, CancellationToken.None);
            }
            catch (LinkException e) when (e.Failure == LinkFailure.Busy && !limit.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), limit.Token);
            }
        }
    }
}
