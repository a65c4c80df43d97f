using Station.Flashing.Loader;
using Station.Flashing.Identify;
using Station.Flashing.Tests.Support;
using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Protocol.Status;

namespace Station.Flashing.Tests.Identify;

public class ChipDetectorTests
{
    [Theory]
    [InlineData("esp32s3")]
    [InlineData("esp32c3")]
    [InlineData("esp32c6")]
    [InlineData("esp32h2")]
    [InlineData("esp32c2")]
    public async Task Detect_SecurityInfoChipId_IdentifiesWithoutTheMagicRegister(string key)
    {
        ChipCatalogue.TryFind(key, out var chip);
        var rom = new ScriptedRom(chip);
        await using var device = new ScriptedDevice(rom.Handle);

        var (found, security) = await new ChipDetector(new LoaderClient(device.Host, TimeProvider.System)).DetectAsync(CancellationToken.None);

        Assert.Equal(chip, found);
        Assert.Equal(chip.ImageChipId, (ushort?)security!.ChipId);
        Assert.DoesNotContain(device.ReceivedList, c => c.Opcode == Opcode.ReadReg);
    }

    [Theory]
    [InlineData("esp32")]
    [InlineData("esp8266")]
    [InlineData("esp32s2")]
    public async Task Detect_WithoutChipIdInSecurityInfo_FallsBackToTheMagicRegister(string key)
    {
        ChipCatalogue.TryFind(key, out var chip);
        var rom = new ScriptedRom(chip);
        await using var device = new ScriptedDevice(rom.Handle);

        var (found, _) = await new ChipDetector(new LoaderClient(device.Host, TimeProvider.System)).DetectAsync(CancellationToken.None);

        Assert.Equal(chip, found);
        var read = Assert.Single(device.ReceivedList, c => c.Opcode == Opcode.ReadReg);
        Assert.Equal(Requests.ReadReg(ChipCatalogue.MagicRegister).ToPacket(), read.ToPacket());
    }

    [Fact]
    public async Task Detect_RealC6TraceReply_ParsesChipId13()
    {
        // 01 14 1800 07071220 | 00000000 00 000000000000 0c | 0d000000 00000000 | 00000000 [real trace].
        await using var device = new ScriptedDevice((command, d) =>
            d.Reply(Opcode.GetSecurityInfo, 0x2012_0707, Convert.FromHexString("00000000000000000000000C0D0000000000000000000000")));

        var (found, security) = await new ChipDetector(new LoaderClient(device.Host, TimeProvider.System)).DetectAsync(CancellationToken.None);

        Assert.Equal(ChipCatalogue.Esp32C6, found);
        Assert.Equal(13u, security!.ChipId);
    }

    [Fact]
    public async Task Detect_UnknownMagic_IsNamed()
    {
        await using var device = new ScriptedDevice((command, d) => command.Opcode == Opcode.ReadReg
            ? d.Ok(command, LoaderKind.Esp32Rom, value: 0xDEAD_BEEF)
            : d.Fail(command, LoaderKind.Esp32Rom, 0x05));

        var e = await Assert.ThrowsAsync<Errors.FlashException>(() =>
            new ChipDetector(new LoaderClient(device.Host, TimeProvider.System)).DetectAsync(CancellationToken.None));

        Assert.Equal(Errors.ErrorCodes.ChipUnknown, e.Error.Code);
        Assert.Contains("0xDEADBEEF", e.Error.Cause, StringComparison.Ordinal);
    }
}
