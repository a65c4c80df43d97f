using System.Diagnostics;
using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Simulator.Device;
using Station.Simulator.Flash;
using Station.Simulator.Tests.Support;

namespace Station.Simulator.Tests.Faults;

/// <summary>program-error, bitflip and slow-erase: what the ROM and the stub report (field failures F4, F5).</summary>
public sealed class FlashFaultTests
{
    private const uint Offset = 0x10000;

    [Fact]
    public async Task ProgramError_Rom_OneBlockGets0108OnceAndItsRetryLandsInPlace()
    {
        await using var probe = Faulty.Start(ChipCatalogue.Esp32, "program-error=1");
        byte[] image = Images.Pattern(0x4000, seed: 1);
        var blocks = Images.Blocks(image, 0x400, padWithFf: true).ToList();
        await probe.CommandAsync(Requests.FlashBegin((uint)image.Length, (uint)blocks.Count, 0x400, Offset));

        var statuses = new List<string>();
        for (int seq = 0; seq < blocks.Count; seq++)
        {
            string status = (await probe.CommandAsync(Requests.FlashData((uint)seq, blocks[seq]))).DataHex;
            statuses.Add(status);
            if (status != "00000000")
            {
                // esptool retries the block (reference §5).
                statuses.Add((await probe.CommandAsync(Requests.FlashData((uint)seq, blocks[seq]))).DataHex);
            }
        }

        var entry = Assert.Single(probe.Device.Log().Entries);
        int failed = (int)(entry.Address!.Value - Offset) / 0x400;
        Assert.Equal(("program-error", "FlashData"), (entry.Kind, entry.Command));
        Assert.Equal("01080000", Assert.Single(statuses, s => s != "00000000"));
        Assert.Equal("01080000", statuses[failed]);
        Assert.Equal(Faulty.Md5Hex(image), await Faulty.Md5HexAsync(probe, Offset, image.Length, stub: false));
    }

    [Fact]
    public async Task ProgramErrorPersistent_Rom_EveryRetryOfTheBadSectorFails()
    {
        await using var probe = Faulty.Start(ChipCatalogue.Esp32, "program-error-persistent=1");
        byte[] image = Images.Pattern(0x4000, seed: 1);
        var blocks = Images.Blocks(image, 0x400, padWithFf: true).ToList();
        await probe.CommandAsync(Requests.FlashBegin((uint)image.Length, (uint)blocks.Count, 0x400, Offset));
        string? firstFailure = null;
        int seq = 0;
        for (; seq < blocks.Count && firstFailure is null; seq++)
        {
            string status = (await probe.CommandAsync(Requests.FlashData((uint)seq, blocks[seq]))).DataHex;
            firstFailure = status == "00000000" ? null : status;
        }

        var retries = new List<string>();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            retries.Add((await probe.CommandAsync(Requests.FlashData((uint)(seq - 1), blocks[seq - 1]))).DataHex);
        }

        Assert.Equal("01080000", firstFailure);
        Assert.All(retries, r => Assert.Equal("01080000", r));
        Assert.Equal(4, probe.Device.Log().Count("program-error-persistent"));
        uint sector = probe.Device.Log().Entries[0].Address!.Value;
        Assert.Equal(0u, sector % 0x1000);
        Assert.InRange(Offset + ((uint)(seq - 1) * 0x400), sector, sector + 0xFFF);
    }

    /// <remarks>
    /// As the legacy stub does (esptool-legacy-flasher-stub, stub_flasher.c / stub_write_flash.c): a failed
    /// SPIWrite sets last_error = ESP_FAILED_SPI_OP (0xC4) and still counts the block as written; every later
    /// DATA reply carries last_error, and a DATA block answered with an error is not written, so its bytes
    /// stay "remaining"; FLASH_END answers ESP_NOT_ENOUGH_DATA (0xC8) while bytes remain, else last_error.
    /// </remarks>
    [Theory]
    [InlineData(0, 1, "C800")]
    [InlineData(5, 3, "C400")]
    public async Task ProgramError_Stub_LaterDataRepliesCarryC4_FlashEndC8UnlessTheLastBlockFailed(long serial, int failedBlock, string end)
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32, faults: Faulty.Plan("program-error=1", serial: serial));
        await StubUpload.RunAsync(probe);
        byte[] image = Images.Pattern(0x10000, seed: 2);

        var replies = await Faulty.StubWriteAsync(probe, Offset, image);

        var entry = Assert.Single(probe.Device.Log().Entries);
        Assert.Equal(("program-error", failedBlock), (entry.Kind, (int)(entry.Address!.Value - Offset) / 0x4000));

        // [0] BEGIN, [1..4] DATA, [5] END: the failed block itself was acknowledged on receipt.
        var statuses = replies.Select(r => r.DataHex).ToList();
        Assert.Equal(Enumerable.Repeat("0000", failedBlock + 2), statuses.Take(failedBlock + 2));
        Assert.All(statuses.Skip(failedBlock + 2).SkipLast(1), s => Assert.Equal("C400", s));
        Assert.Equal(end, statuses[^1]);
    }

    [Fact]
    public async Task Bitflip_Rom_EveryBlockAcceptedButTheMd5DiffersByOneBit_ARewriteFixesIt()
    {
        await using var probe = Faulty.Start(ChipCatalogue.Esp32, "bitflip=1");
        byte[] image = Images.Pattern(0x4000, seed: 3);

        var first = await Faulty.RomWriteAsync(probe, Offset, image);
        string md5 = await Faulty.Md5HexAsync(probe, Offset, image.Length, stub: false);
        byte[] flash = probe.Device.Flash.Read(Offset, image.Length);
        var rewrite = await Faulty.RomWriteAsync(probe, Offset, image);
        string md5Again = await Faulty.Md5HexAsync(probe, Offset, image.Length, stub: false);

        Assert.All(first.Concat(rewrite), r => Assert.Equal("00000000", r!.DataHex));
        Assert.NotEqual(Faulty.Md5Hex(image), md5);
        var different = Enumerable.Range(0, image.Length).Where(i => flash[i] != image[i]).ToList();
        var entry = Assert.Single(probe.Device.Log().Entries);
        Assert.Equal([(int)(entry.Address!.Value - Offset)], different);
        Assert.Equal(1, System.Numerics.BitOperations.PopCount((uint)(flash[different[0]] ^ image[different[0]])));
        Assert.Equal(Faulty.Md5Hex(image), md5Again);
    }

    [Fact]
    public async Task BitflipPersistent_Stub_TheSameBitFlipsAfterEveryRewrite()
    {
        await using var probe = Faulty.Start(ChipCatalogue.Esp32S3, "bitflip-persistent=1");
        await StubUpload.RunAsync(probe);
        byte[] image = Images.Pattern(0x8000, seed: 4);

        var md5s = new List<string>();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var replies = await Faulty.StubWriteAsync(probe, Offset, image);
            Assert.All(replies, r => Assert.Equal("0000", r.DataHex));
            md5s.Add(await Faulty.Md5HexAsync(probe, Offset, image.Length, stub: true));
        }

        Assert.All(md5s, m => Assert.NotEqual(Faulty.Md5Hex(image), m));
        Assert.Single(md5s.Distinct());
        Assert.Equal(3, probe.Device.Log().Count("bitflip-persistent"));
        Assert.Single(probe.Device.Log().Entries.Select(e => e.Address).Distinct());
    }

    [Fact]
    public async Task SlowErase_PacingOn_RomFlashBeginWaitsTheSlowerErase()
    {
        var timing = FlashTiming.Datasheet with { BlockErase = TimeSpan.FromMilliseconds(40) };
        var device = new SimulatedDevice(new DeviceOptions { Chip = ChipCatalogue.Esp32, Pacing = true, FlashTiming = timing, Faults = Faulty.Plan("slow-erase=6") });
        await using var probe = WireProbe.Attach(device);

        var clock = Stopwatch.StartNew();
        var reply = await probe.CommandAsync(Requests.FlashBegin(0x10000, 64, 0x400, Offset));
        clock.Stop();

        Assert.Equal("00000000", reply.DataHex);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(235), $"took {clock.Elapsed}");
        var entry = Assert.Single(device.Log().Entries);
        Assert.Equal("erase of 0x10000..0x20000 took 240 ms instead of 40 ms", entry.Detail);
    }

    [Fact]
    public async Task SlowErase_PacingOff_NothingToSlowDown()
    {
        await using var probe = Faulty.Start(ChipCatalogue.Esp32, "slow-erase=6");

        await probe.CommandAsync(Requests.FlashBegin(0x10000, 64, 0x400, Offset));

        Assert.Empty(probe.Device.Log().Entries);
    }
}
