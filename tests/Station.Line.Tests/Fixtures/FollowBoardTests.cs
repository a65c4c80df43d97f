using Station.Line.Events;
using Station.Line.Fixtures;
using Station.Line.Tests.Support;
using Station.Protocol.Chips;
using Station.Simulator.Device;
using Station.Traceability;
using Station.Transport.Discovery;
using Station.Transport.Links;
using Station.Transport.Serial;
using Station.Transport.Tests.Discovery;

namespace Station.Line.Tests.Fixtures;

/// <summary>
/// A USB-Serial/JTAG board that re-enumerates under another /dev name mid-unit (a reset, a USB glitch):
/// its slot finds it again by its MAC (the USB serial number) and flashes it again from the start.
/// The ports are real ptys behind a fake sysfs tree that names them ttyACM0, then ttyACM1.
/// </summary>
public sealed class FollowBoardTests : IDisposable
{
    private readonly FakeSysfs _fs = new();
    private readonly List<IDisposable> _ptys = [];

    [Fact]
    public async Task Run_UsbSerialJtagBoardComesBackAsAnotherTtyMidWrite_FollowedByMacAndFlashedAgain()
    {
        var chip = ChipCatalogue.Esp32C3;
        var device = new SimulatedDevice(new DeviceOptions { Chip = chip, Index = 3, Seed = 11 });
        string mac = device.Mac.ToString();
        var first = Enumerate(device, "ttyACM0");
        var fixture = new PortFixture(Path.Combine(_fs.Dev, "ttyACM0"), LinkFactory.Default()) { Discovery = new PortDiscovery(_fs.Sys, _fs.Dev) };
        var sink = new Recorded();
        Task? reEnumerated = null;
        sink.OnEvent = e =>
        {
            if (reEnumerated is null && e is UnitActivity { Inner: Flashing.Events.WriteProgress })
            {
                // The chip resets and its USB port disappears; it comes back a moment later as ttyACM1.
                first.Pty.Unplug();
                reEnumerated = Task.Run(async () =>
                {
                    await first.Attachment.DisposeAsync();
                    _fs.Unplug("ttyACM0");
                    _fs.RemoveDevice(first.Usb);
                    Enumerate(device, "ttyACM1");
                });
            }
        };
        var job = await TestJobs.PrepareAsync(TestJobs.Profile(chip), [fixture], sink, units: 1) with { PollInterval = TimeSpan.FromMilliseconds(50) };

        await LineRunner.RunAsync(job, CancellationToken.None, CancellationToken.None);

        Assert.NotNull(reEnumerated);
        await reEnumerated;
        var records = sink.Records;
        Assert.Equal(2, records.Count);
        Assert.Equal((UnitResult.Interrupted, mac, Path.Combine(_fs.Dev, "ttyACM0")), (records[0].Result, records[0].Mac, records[0].Port));
        Assert.Equal((UnitResult.Pass, mac, Path.Combine(_fs.Dev, "ttyACM1")), (records[1].Result, records[1].Mac, records[1].Port));
        Assert.Equal(2, records[1].Attempt);
        Assert.Equal($"303a:1001 ESP USB-Serial/JTAG sn {mac} at 1-2", records[1].Usb);
    }

    public void Dispose()
    {
        foreach (var pty in _ptys)
        {
            pty.Dispose();
        }

        _fs.Dispose();
    }

    /// <summary>The board's USB-Serial/JTAG port appears as <paramref name="tty"/>: sysfs entry with its MAC as serial, and a pty at /dev/&lt;tty&gt;.</summary>
    private (string Usb, PseudoTerminal Pty, DeviceAttachment Attachment) Enumerate(SimulatedDevice device, string tty)
    {
        string usb = _fs.UsbDevice("1-2", "303a", "1001", serial: device.Mac.ToString(), manufacturer: "Espressif", productName: "USB JTAG/serial debug unit");
        _fs.AcmPort(usb, 0, tty);
        var pty = PseudoTerminal.Create(Path.Combine(_fs.Dev, tty));
        _ptys.Add(pty);
        return (usb, pty, device.Attach(pty.Device, PowerOnBoot.Download));
    }
}
