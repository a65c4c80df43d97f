using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Simulator.Device;
using Station.Simulator.Tests.Support;
using Station.Transport.Links;
using Station.Transport.Memory;

namespace Station.Simulator.Tests.Faults;

/// <summary>brownout and unplug in the middle of the first flash write (field failures F4, F6).</summary>
public sealed class PowerFaultTests
{
    private const uint Offset = 0x10000;

    [Fact]
    public async Task Brownout_RomWrite_RepliesStopBannerRst0xfFlashHoldsWhatWasWritten()
    {
        await using var probe = Faulty.Start(ChipCatalogue.Esp32, "brownout=1");
        byte[] image = Images.Pattern(0x8000, seed: 5);

        var replies = await Faulty.RomWriteAsync(probe, Offset, image);
        string log = await probe.ReadNoiseUntilAsync("invalid header");

        var entry = Assert.Single(probe.Device.Log().Entries);
        Assert.Equal(("brownout", "FlashData"), (entry.Kind, entry.Command));
        int cut = (int)(entry.Address!.Value - Offset);
        Assert.InRange(cut, (int)(0.05 * image.Length), (int)(0.95 * image.Length));
        Assert.Null(replies[^1]);
        Assert.Equal(cut / 0x400, replies.Count - 2);
        Assert.All(replies.SkipLast(1), r => Assert.Equal("00000000", r!.DataHex));
        Assert.Contains("rst:0xf (RTCWDT_BROWN_OUT_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n", log, StringComparison.Ordinal);
        byte[] flash = probe.Device.Flash.Read(Offset, image.Length);
        Assert.Equal(image.AsSpan(0, cut).ToArray(), flash.AsSpan(0, cut).ToArray());
        Assert.All(flash.AsSpan(cut).ToArray(), b => Assert.Equal(0xFF, b));
    }

    [Fact]
    public async Task Brownout_OncePerBoard_TheRewriteAfterAResetSucceeds()
    {
        await using var probe = Faulty.Start(ChipCatalogue.Esp32, "brownout=1");
        byte[] image = Images.Pattern(0x4000, seed: 6);
        await Faulty.RomWriteAsync(probe, Offset, image);
        await probe.ReadNoiseUntilAsync("invalid header");

        await probe.ResetIntoDownloadAsync();

        // The power-on banner already said it once: wait for the banner of the reset.
        await probe.ReadNoiseUntilAsync("waiting for download", times: 2);
        var replies = await Faulty.RomWriteAsync(probe, Offset, image);

        Assert.All(replies, r => Assert.Equal("00000000", r!.DataHex));
        Assert.Equal(Faulty.Md5Hex(image), await Faulty.Md5HexAsync(probe, Offset, image.Length, stub: false));
        Assert.Equal(1, probe.Device.Log().Count("brownout"));
    }

    [Fact]
    public async Task Brownout_StubOnC3_AckedBlockIsCutTheNextIsUnansweredBannerBrownoutRst()
    {
        await using var probe = Faulty.Start(ChipCatalogue.Esp32C3, "brownout=1");
        await StubUpload.RunAsync(probe);
        byte[] image = Images.Pattern(0x10000, seed: 7);
        await probe.CommandAsync(Requests.FlashBegin((uint)image.Length, 4, 0x4000, Offset));
        var replies = new List<Reply?>();
        for (uint seq = 0; seq < 4 && (replies.Count == 0 || replies[^1] is not null); seq++)
        {
            await probe.SendAsync(Requests.FlashData(seq, image.AsSpan((int)seq * 0x4000, 0x4000)));
            replies.Add(await probe.ReplyUnlessResetAsync(Opcode.FlashData, Faulty.BrownoutBanner));
        }

        string log = await probe.ReadNoiseUntilAsync("invalid header");

        int cut = (int)(probe.Device.Log().Entries.Single().Address!.Value - Offset);
        Assert.Equal((cut / 0x4000) + 1, replies.Count(r => r is not null));
        Assert.Null(replies[^1]);
        Assert.Contains("ESP-ROM:esp32c3-api1-20210207\r\nBuild:Feb  7 2021\r\nrst:0xf (BROWNOUT_RST),boot:0xc (SPI_FAST_FLASH_BOOT)\r\n", log, StringComparison.Ordinal);
        Assert.Equal(image.AsSpan(0, cut).ToArray(), probe.Device.Flash.Read(Offset, cut));
    }

    [Fact]
    public async Task Unplug_InMemory_HostSeesTheLinkGoBoardKeepsItsFlashAndComesBackWithTheSameMac()
    {
        var device = new SimulatedDevice(new DeviceOptions { Chip = ChipCatalogue.Esp32, Seed = 42, Faults = Faulty.Plan("unplug=1/0.2s") });
        var unplugged = new TaskCompletionSource<TimeSpan>();
        device.Unplugged += d => unplugged.TrySetResult(d);
        byte[] image = Images.Pattern(0x4000, seed: 8);
        var pair = new InMemoryLinkPair();
        var attachment = device.Attach(pair.Device, PowerOnBoot.Download);

        var host = pair.Host;
        await host.WriteAsync(Requests.FlashBegin((uint)image.Length, 16, 0x400, Offset).ToPacket().Slip(), CancellationToken.None);
        var gone = await Assert.ThrowsAsync<LinkException>(async () =>
        {
            uint seq = 0;
            foreach (byte[] block in Images.Blocks(image, 0x400, padWithFf: true))
            {
                await host.WriteAsync(Requests.FlashData(seq++, block).ToPacket().Slip(), CancellationToken.None);
                await Task.Yield();
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            while (true)
            {
                await host.ReadAsync(new byte[1 << 16], wait.Token);
            }
        });

        Assert.Equal(LinkFailure.Gone, gone.Failure);
        Assert.Equal(TimeSpan.FromMilliseconds(200), await unplugged.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        await attachment.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        await attachment.DisposeAsync();
        int cut = (int)(device.Log().Entries.Single().Address!.Value - Offset);
        Assert.Equal(image.AsSpan(0, cut).ToArray(), device.Flash.Read(Offset, cut));
        Assert.Equal(DeviceActivity.Disconnected, device.Activity);

        await using var again = WireProbe.Attach(device);
        var replies = await Faulty.RomWriteAsync(again, Offset, image);
        Assert.All(replies, r => Assert.Equal("00000000", r!.DataHex));
        Assert.Equal(1, device.Log().Count("unplug"));
    }
}

internal static class SlipBytes
{
    public static byte[] Slip(this byte[] packet) => Station.Protocol.Slip.SlipCodec.Encode(packet);
}
