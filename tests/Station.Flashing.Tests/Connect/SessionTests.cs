using Station.Flashing.Errors;
using Station.Flashing.Sessions;
using Station.Flashing.Stub;
using Station.Flashing.Tests.Support;
using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Protocol.Status;

namespace Station.Flashing.Tests.Connect;

public class SessionTests
{
    [Fact]
    public async Task Open_Esp32RomWithoutStub_AttachesSpiAndSetsParams_AndSaysROMOnly()
    {
        var rom = new ScriptedRom(ChipCatalogue.Esp32);
        await using var device = new ScriptedDevice(rom.Handle);
        var events = new EventLog();

        var ready = await DeviceSession.OpenAsync(device.Host, new SessionOptions { Baud = 921600, Connect = Connected.Fast }, TimeProvider.System, events, CancellationToken.None);

        Assert.Equal(4u * 1024 * 1024, ready.FlashSize);
        var baud = Assert.Single(device.ReceivedList, c => c.Opcode == Opcode.ChangeBaudrate);
        Assert.Equal(Requests.ChangeBaudrate(921600, 0).ToPacket(), baud.ToPacket());
        Assert.Equal(921600, device.Host.Baud);
        Assert.Equal(Requests.SpiAttach(0, forRom: true).ToPacket(), Assert.Single(device.ReceivedList, c => c.Opcode == Opcode.SpiAttach).ToPacket());
        Assert.Equal(Requests.SpiSetParams(4 * 1024 * 1024).ToPacket(), Assert.Single(device.ReceivedList, c => c.Opcode == Opcode.SpiSetParams).ToPacket());
        Assert.Single(events.Of<Events.Notice>(), n => n.Key == "no-stub");
    }

    [Fact]
    public async Task Open_Esp8266Rom_KeepsBaudAndUsesEmptyFlashBeginInsteadOfAttach()
    {
        var rom = new ScriptedRom(ChipCatalogue.Esp8266);
        await using var device = new ScriptedDevice(rom.Handle);

        var ready = await DeviceSession.OpenAsync(device.Host, new SessionOptions { Baud = 921600, Connect = Connected.Fast }, TimeProvider.System, new EventLog(), CancellationToken.None);

        Assert.Equal(115200, device.Host.Baud);
        Assert.DoesNotContain(device.ReceivedList, c => c.Opcode is Opcode.ChangeBaudrate or Opcode.SpiAttach or Opcode.SpiSetParams);
        Assert.Equal(Requests.FlashBegin(0, 0, 0x400, 0).ToPacket(), Assert.Single(device.ReceivedList, c => c.Opcode == Opcode.FlashBegin).ToPacket());
        Assert.Equal(LoaderKind.Esp8266Rom, ready.Device.Loader);
    }

    [Fact]
    public async Task Open_StubAlreadyRunning_ChangesBaudWithTheOldBaudAndSkipsAttach()
    {
        var rom = new ScriptedRom(ChipCatalogue.Esp32S3, stubRunning: true) { FlashJedecId = 0x1840EF };
        await using var device = new ScriptedDevice(rom.Handle);

        var ready = await DeviceSession.OpenAsync(device.Host, new SessionOptions { Baud = 2_000_000, Connect = Connected.Fast }, TimeProvider.System, new EventLog(), CancellationToken.None);

        Assert.Equal(16u * 1024 * 1024, ready.FlashSize);
        Assert.Equal(Requests.ChangeBaudrate(2_000_000, 115200).ToPacket(), Assert.Single(device.ReceivedList, c => c.Opcode == Opcode.ChangeBaudrate).ToPacket());
        Assert.DoesNotContain(device.ReceivedList, c => c.Opcode == Opcode.SpiAttach);
    }

    [Fact]
    public async Task Open_WrongChip_FailsBeforeAnyFlashCommand()
    {
        await using var device = new ScriptedDevice(new ScriptedRom(ChipCatalogue.Esp32C3).Handle);

        var e = await Assert.ThrowsAsync<FlashException>(() => DeviceSession.OpenAsync(device.Host,
            new SessionOptions { ExpectedChip = ChipCatalogue.Esp32, Connect = Connected.Fast }, TimeProvider.System, new EventLog(), CancellationToken.None));

        Assert.Equal(ErrorCodes.ChipMismatch, e.Error.Code);
        Assert.True(e.Error.Permanent);
        Assert.DoesNotContain(device.ReceivedList, c => c.Opcode is Opcode.FlashBegin or Opcode.FlashDeflBegin or Opcode.SpiAttach or Opcode.MemBegin);
    }

    [Fact]
    public async Task Open_FlashDoesNotAnswer_IsNamed()
    {
        await using var device = new ScriptedDevice(new ScriptedRom(ChipCatalogue.Esp32) { FlashJedecId = 0xFFFFFF }.Handle);

        var e = await Assert.ThrowsAsync<FlashException>(() => DeviceSession.OpenAsync(device.Host,
            new SessionOptions { Connect = Connected.Fast, Stubs = StubCatalogue.None }, TimeProvider.System, new EventLog(), CancellationToken.None));

        Assert.Equal(ErrorCodes.FlashNotDetected, e.Error.Code);
    }
}
