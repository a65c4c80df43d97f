using Station.Flashing.Device;
using Station.Flashing.Errors;
using Station.Flashing.Sessions;
using Station.Flashing.Stub;
using Station.Flashing.Tests.Support;
using Station.Protocol.Chips;
using Station.Protocol.Images;
using Station.Simulator.Device;
using Station.Flashing.Write;
using Station.Transport.Memory;

namespace Station.Flashing.Tests.EndToEnd;

public class OperationsAgainstSimulatorTests
{
    [Theory]
    [InlineData(115200)]
    [InlineData(921600)]
    [InlineData(2_000_000)]
    [InlineData(3_000_000)]
    public async Task Flash_OverPtyAtSeveralBauds_HostAndDeviceSwitchTogether(int baud)
    {
        var events = new EventLog();
        var (outcome, device, plan) = await SimulatedLine.FlashAsync(ChipCatalogue.Esp32, Medium.Pty, stub: true, baud: baud, events: events);

        Assert.True(outcome.AllVerified);
        var changes = events.Of<Events.BaudChanged>().Select(b => (b.From, b.To)).ToList();
        Assert.Equal(baud == 115200 ? [] : [(115200, baud), (baud, 115200)], changes);
        Assert.Equal(115200, outcome.Ready.Device.Baud);
        Assert.All(plan.Regions, r => Assert.Equal(r.Data, device.Flash.Read(r.Address, r.Data.Length)));
    }

    [Fact]
    public async Task Flash_BootloaderWithFlashSettings_IsPatchedWithAValidHash()
    {
        var (_, device, plan) = await SimulatedLine.FlashAsync(ChipCatalogue.Esp32, Medium.Tcp, stub: true, settings: new FlashSettings("dout", "80m", "4MB"));

        byte[] written = device.Flash.Read(0x1000, plan.Regions[0].Data.Length);
        Assert.Equal(0x03, written[2]);
        Assert.Equal(0x2F, written[3]);
        Assert.True(EspImage.Parse(written, true).HashValid(written));
        Assert.True(plan.Regions[0].HeaderPatched);
        Assert.False(plan.Regions[1].HeaderPatched);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReadFlash_StubAndRom_ReturnWhatTheChipHolds(bool stub)
    {
        var device = new SimulatedDevice(new DeviceOptions { Chip = ChipCatalogue.Esp32S3, Seed = 5 });
        byte[] content = new byte[10_000];
        new Random(3).NextBytes(content);
        device.Flash.Erase(0x20000, 0x3000);
        device.Flash.Program(0x20000, content);

        var bytes = await WithReadyDevice(device, stub, ready => ready.Device.ReadFlashAsync(0x20000, content.Length, CancellationToken.None));

        Assert.Equal(content, bytes);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EraseRegion_StubAndRom_LeaveErasedSectors(bool stub)
    {
        var device = new SimulatedDevice(new DeviceOptions { Chip = ChipCatalogue.Esp32, Seed = 6 });
        device.Flash.Program(0x30000, new byte[0x3000]);

        await WithReadyDevice(device, stub, async ready =>
        {
            await ready.Device.EraseRegionAsync(0x31000, 0x1000, CancellationToken.None);
            return true;
        });

        Assert.All(device.Flash.Read(0x31000, 0x1000), b => Assert.Equal(0xFF, b));
        Assert.All(device.Flash.Read(0x30000, 0x1000), b => Assert.Equal(0x00, b));
        Assert.All(device.Flash.Read(0x32000, 0x1000), b => Assert.Equal(0x00, b));
    }

    [Fact]
    public async Task ReadFlash_Esp8266Rom_IsRefusedWithTheReason()
    {
        var device = new SimulatedDevice(new DeviceOptions { Chip = ChipCatalogue.Esp8266 });

        var e = await Assert.ThrowsAsync<FlashException>(() =>
            WithReadyDevice(device, stub: false, ready => ready.Device.ReadFlashAsync(0, 64, CancellationToken.None)));

        Assert.Equal(ErrorCodes.Unsupported, e.Error.Code);
        Assert.Contains("ESP8266 ROM", e.Error.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flash_ImageLargerThanTheFlash_IsRefusedBeforeWriting()
    {
        var device = new SimulatedDevice(new DeviceOptions { Chip = ChipCatalogue.Esp32C3, FlashSize = 2 * 1024 * 1024 });

        var e = await Assert.ThrowsAsync<FlashException>(() => WithReadyDevice(device, stub: true, async ready =>
        {
            var plan = FlashPlan.Prepare([new ImageSource(0x1F0000, new byte[0x20000], "big.bin")], ready.Device.Chip, FlashSettings.Keep, true);
            return await FlashProcedure.WriteAsync(ready, plan, true, AfterAction.None, CancellationToken.None);
        }));

        Assert.Equal(ErrorCodes.ImageTooLarge, e.Error.Code);
        Assert.Equal(0, device.Flash.AllocatedSectors);
    }

    [Fact]
    public async Task Flash_ThenHardResetOverInMemoryLink_ChipLeavesTheLoader()
    {
        var device = new SimulatedDevice(new DeviceOptions { Chip = ChipCatalogue.Esp32 });
        var appRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await WithReadyDevice(device, stub: true, async ready =>
        {
            device.ActivityChanged += e =>
            {
                if (e.Activity == DeviceActivity.Booting)
                {
                    appRunning.TrySetResult();
                }
            };
            await ready.Device.ResetAsync(AfterAction.HardReset, CancellationToken.None);
            await appRunning.Task.WaitAsync(TimeSpan.FromSeconds(5));
            return true;
        });

        Assert.True(appRunning.Task.IsCompletedSuccessfully);
    }

    private static async Task<T> WithReadyDevice<T>(SimulatedDevice device, bool stub, Func<ReadyDevice, Task<T>> body)
    {
        var pair = new InMemoryLinkPair();
        await using var attachment = device.Attach(pair.Device);
        var session = new SessionOptions
        {
            UseStub = stub,
            Stubs = stub ? StubFiles.Catalogue : StubCatalogue.None,
            Connect = Connected.Fast,
        };
        var ready = await DeviceSession.OpenAsync(pair.Host, session, TimeProvider.System, new EventLog(), CancellationToken.None);
        return await body(ready);
    }
}

public class UnplugTests
{
    [Fact]
    public async Task Write_CableKnockedOutMidWrite_IsNamedPortGone()
    {
        var device = new SimulatedDevice(new DeviceOptions { Chip = ChipCatalogue.Esp32, Pacing = true });
        var pair = new InMemoryLinkPair();
        await using var attachment = device.Attach(pair.Device);
        var events = new UnplugOnProgress(pair);
        var session = new SessionOptions { UseStub = true, Stubs = StubFiles.Catalogue, Baud = 921600, Connect = Connected.Fast };
        var ready = await DeviceSession.OpenAsync(pair.Host, session, TimeProvider.System, events, CancellationToken.None);
        byte[] image = new byte[200_000];
        new Random(1).NextBytes(image);
        var plan = FlashPlan.Prepare([new ImageSource(0x10000, image, "app.bin")], ready.Device.Chip, FlashSettings.Keep, true);

        var e = await Assert.ThrowsAsync<FlashException>(() => FlashProcedure.WriteAsync(ready, plan, true, AfterAction.HardReset, CancellationToken.None));

        Assert.Equal(ErrorCodes.PortGone, e.Error.Code);
        Assert.Contains("disappeared while in use", e.Error.Cause, StringComparison.Ordinal);
        Assert.IsType<Events.StepFailed>(events.Last);
    }

    /// <summary>Pulls the cable as soon as the first block is acknowledged.</summary>
    private sealed class UnplugOnProgress(InMemoryLinkPair pair) : Events.IFlashEventSink
    {
        public Events.FlashEvent? Last { get; private set; }

        public void On(Events.FlashEvent e)
        {
            Last = e;
            if (e is Events.WriteProgress)
            {
                pair.Unplug();
            }
        }
    }
}
