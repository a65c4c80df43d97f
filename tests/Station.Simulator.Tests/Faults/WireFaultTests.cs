using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Protocol.Slip;
using Station.Simulator.Tests.Support;

namespace Station.Simulator.Tests.Faults;

/// <summary>corrupt, drop, dead-tx and ceiling: what the device's UART receives, on real byte streams.</summary>
public sealed class WireFaultTests
{
    [Fact]
    public void Corrupt_Hook_FlipsExactlyOneBitOfEachLoggedByte()
    {
        var plan = Faulty.Plan("corrupt=0.01");
        byte[] sent = Images.Pattern(20_000);

        // Chunking must not matter: the same bytes in uneven pieces.
        var received = new List<byte>();
        for (int i = 0; i < sent.Length; i += 777)
        {
            received.AddRange(plan.Wire.HostToDevice(sent[i..Math.Min(sent.Length, i + 777)]));
        }

        var logged = plan.Log!.Entries.Select(e => (int)e.Offset!.Value).ToList();
        var changed = Enumerable.Range(0, sent.Length).Where(i => sent[i] != received[i]).ToList();
        Assert.Equal(sent.Length, received.Count);
        Assert.Equal(logged.Take(100), changed.Take(100));
        Assert.InRange(plan.Log.Counts["corrupt"], 150, 250);
        Assert.All(changed, i => Assert.Equal(1, System.Numerics.BitOperations.PopCount((uint)(sent[i] ^ received[i]))));
    }

    [Fact]
    public async Task Corrupt_RateOne_NoFrameSurvivesAndSyncIsNeverAnswered()
    {
        await using var probe = Faulty.Start(ChipCatalogue.Esp32, "corrupt=1");
        await probe.ReadNoiseUntilAsync("waiting for download");
        int wireBytes = SlipCodec.Encode(Requests.Sync().ToPacket()).Length;

        await probe.SendAsync(Requests.Sync());

        await probe.Device.Log().UntilAsync(l => l.Count("corrupt") >= wireBytes);
        await probe.AssertSilentAsync(TimeSpan.FromMilliseconds(200));
        Assert.Equal(wireBytes, probe.Device.Log().Count("corrupt"));
    }

    [Fact]
    public async Task Corrupt_HitInAFlashDataPayload_RomAnswersChecksumError()
    {
        // Seed 42, slot 0, serial 0 at this rate hits the first FLASH_DATA frame's payload (asserted below).
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32, faults: Faulty.Plan("corrupt=0.002"));
        var begin = Requests.FlashBegin(0x400, 1, 0x400, 0x10000);
        var data = Requests.FlashData(0, Images.Pattern(0x400, seed: 3));
        long dataStart = SlipCodec.Encode(begin.ToPacket()).Length;
        long payloadStart = dataStart + 1 + 8 + 16;
        long dataEnd = dataStart + SlipCodec.Encode(data.ToPacket()).Length;

        Assert.Equal("00000000", (await probe.CommandAsync(begin)).DataHex);
        var reply = await probe.CommandAsync(data);

        var hits = probe.Device.Log().Entries.Select(e => e.Offset!.Value).Where(o => o < dataEnd).ToList();
        Assert.NotEmpty(hits);
        Assert.All(hits, o => Assert.InRange(o, payloadStart, dataEnd - 2));
        Assert.Equal("01070000", reply.DataHex);
    }

    [Fact]
    public async Task Drop_RateOne_NothingArrives()
    {
        await using var probe = Faulty.Start(ChipCatalogue.Esp32, "drop=1");
        await probe.ReadNoiseUntilAsync("waiting for download");

        await probe.SendAsync(Requests.ReadReg(ChipCatalogue.MagicRegister));

        int wireBytes = SlipCodec.Encode(Requests.ReadReg(ChipCatalogue.MagicRegister).ToPacket()).Length;
        await probe.Device.Log().UntilAsync(l => l.Count("drop") >= wireBytes);
        await probe.AssertSilentAsync(TimeSpan.FromMilliseconds(200));
        Assert.Equal(wireBytes, probe.Device.Log().Count("drop"));
    }

    [Fact]
    public void Drop_Hook_RemovesExactlyTheLoggedBytes()
    {
        var plan = Faulty.Plan("drop=0.01");
        byte[] sent = Images.Pattern(5000);

        byte[] received = plan.Wire.HostToDevice(sent);

        var dropped = plan.Log!.Entries.Select(e => (int)e.Offset!.Value).ToHashSet();
        Assert.NotEmpty(dropped);
        Assert.Equal(sent.Where((_, i) => !dropped.Contains(i)), received);
    }

    [Fact]
    public async Task DeadTx_BannerSeenButSyncNeverAnswered_EvenAfterAReset()
    {
        await using var probe = Faulty.Start(ChipCatalogue.Esp32, "dead-tx=1", Station.Simulator.Device.PowerOnBoot.Straps);
        await probe.ReadNoiseUntilAsync("invalid header");

        await probe.ResetIntoDownloadAsync();
        string log = await probe.ReadNoiseUntilAsync("waiting for download");
        await probe.SendAsync(Requests.Sync());

        Assert.Contains("boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download", log, StringComparison.Ordinal);
        await probe.Device.Log().UntilAsync(l => l.Count("dead-tx") > 0);
        await probe.AssertSilentAsync(TimeSpan.FromMilliseconds(300));
        var entry = Assert.Single(probe.Device.Log().Entries);
        Assert.Equal("dead-tx", entry.Kind);
    }

    [Fact]
    public async Task Ceiling_BelowItTheStubAnswers_AboveItGarbage()
    {
        await using var probe = Faulty.Start(ChipCatalogue.Esp32, "ceiling=460800");
        await StubUpload.RunAsync(probe);
        await probe.CommandAsync(Requests.ChangeBaudrate(460800, 115200));
        await probe.Host.SetBaudAsync(460800, CancellationToken.None);
        var atCeiling = await probe.CommandAsync(Requests.ReadReg(ChipCatalogue.MagicRegister));

        await probe.CommandAsync(Requests.ChangeBaudrate(921600, 460800));
        await probe.Host.SetBaudAsync(921600, CancellationToken.None);
        await probe.SendAsync(Requests.ReadReg(ChipCatalogue.MagicRegister));

        Assert.Equal(ChipCatalogue.Esp32.MagicValues[0], atCeiling.Value);
        await Assert.ThrowsAsync<TimeoutException>(() => probe.ReplyAsync(Opcode.ReadReg, TimeSpan.FromMilliseconds(300)));
        await probe.Device.Log().UntilAsync(l => l.Count("ceiling") > 0);
        var entry = Assert.Single(probe.Device.Log().Entries);
        Assert.Equal("ceiling", entry.Kind);
        Assert.Contains("921600 baud is above the line's ceiling of 460800", entry.Detail, StringComparison.Ordinal);
    }
}
