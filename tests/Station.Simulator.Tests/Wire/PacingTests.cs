using System.Diagnostics;
using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Protocol.Slip;
using Station.Simulator.Device;
using Station.Simulator.Tests.Support;

namespace Station.Simulator.Tests.Wire;

public sealed class PacingTests
{
    [Fact]
    public async Task StubFlashData_16KiBAt115200_TakesAtLeastItsWireTime()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32, PowerOnBoot.Download, pacing: true);
        await StubUpload.RunAsync(probe);
        await probe.CommandAsync(Requests.FlashBegin(0x4000, 1, 0x4000, 0x10000));
        var command = Requests.FlashData(0, Images.Pattern(0x4000));
        int wireBytes = SlipCodec.Encode(command.ToPacket()).Length;

        var clock = Stopwatch.StartNew();
        var reply = await probe.CommandAsync(command);
        clock.Stop();

        Assert.Equal("0000", reply.DataHex);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(wireBytes * 10.0 / 115200) - TimeSpan.FromMilliseconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task RomFlashBegin_64KiB_TakesAtLeastTheBlockEraseTime()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32, PowerOnBoot.Download, pacing: true);

        var clock = Stopwatch.StartNew();
        var reply = await probe.CommandAsync(Requests.FlashBegin(0x10000, 64, 0x400, 0x10000));
        clock.Stop();

        Assert.Equal("00000000", reply.DataHex);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(150), $"took {clock.Elapsed}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task ChangeBaudrate_HostStaysAtOldBaud_RepliesBecomeGarbage()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32, PowerOnBoot.Download, pacing: true);
        await StubUpload.RunAsync(probe);

        var reply = await probe.CommandAsync(Requests.ChangeBaudrate(921600, 115200));
        await probe.SendAsync(Requests.ReadReg(ChipCatalogue.MagicRegister));

        Assert.Equal("0000", reply.DataHex);
        await Assert.ThrowsAsync<TimeoutException>(() => probe.ReplyAsync(Opcode.ReadReg, TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task ChangeBaudrate_HostFollows_ConversationContinues()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32, PowerOnBoot.Download, pacing: true);
        await StubUpload.RunAsync(probe);

        await probe.CommandAsync(Requests.ChangeBaudrate(921600, 115200));
        await probe.Host.SetBaudAsync(921600, CancellationToken.None);

        // Part of the protocol, not a wait for an event: esptool pauses 50 ms after switching (the
        // stub switches 10 ms after its reply), and bytes sent earlier arrive at the old rate.
        await Task.Delay(TimeSpan.FromMilliseconds(50));
        var read = await probe.CommandAsync(Requests.ReadReg(ChipCatalogue.MagicRegister));

        Assert.Equal(0x00F0_1D83u, read.Value);
    }
}
