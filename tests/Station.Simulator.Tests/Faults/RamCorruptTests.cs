using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Simulator.Faults;
using Station.Simulator.Tests.Support;

namespace Station.Simulator.Tests.Faults;

/// <summary>ram-corrupt: field failure F1, "Failed to write to target RAM (result was 01070000)".</summary>
public sealed class RamCorruptTests
{
    [Theory]
    [InlineData("esp32", "01070000")]
    [InlineData("esp32s3", "01070000")]
    [InlineData("esp8266", "0107")]
    public async Task MemData_DuringRamUpload_RomAnswersChecksumError(string key, string status)
    {
        await using var probe = Faulty.Start(WireProbe.Chip(key), "ram-corrupt=1");
        byte[] block = Images.Pattern(BlockSizes.RamBlock, seed: 9);

        var begin = await probe.CommandAsync(Requests.MemBegin((uint)block.Length, 1, BlockSizes.RamBlock, StubUpload.TextStart));
        var data = await probe.CommandAsync(Requests.MemData(0, block));

        Assert.Equal(new string('0', status.Length), begin.DataHex);
        Assert.Equal(status, data.DataHex);
        var entry = Assert.Single(probe.Device.Log().Entries);
        Assert.Equal(("ram-corrupt", "MemData", "RomLoader"), (entry.Kind, entry.Command, entry.Activity));
        Assert.StartsWith($"MEM_DATA seq 0: {block.Length} bit(s) flipped in the {block.Length}-byte payload", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MemData_DamagedWhileTheStubRuns_StubAnswersC1()
    {
        // The stub upload itself must arrive intact, so damage starts after it (esptool's load_ram through a running stub).
        var damage = new DamageAfter(7000);
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32, faults: new FaultPlan { RamUpload = damage });
        await StubUpload.RunAsync(probe);

        await probe.CommandAsync(Requests.MemBegin(0x100, 1, 0x100, 0x3FFE_0000));
        var data = await probe.CommandAsync(Requests.MemData(0, Images.Pattern(0x100)));

        Assert.Equal("C100", data.DataHex);
        Assert.Equal(1, damage.Damaged);
    }

    [Fact]
    public async Task RamUploadWindow_OnlyBetweenMemBeginAndMemEnd()
    {
        await using var probe = Faulty.Start(ChipCatalogue.Esp32, "ram-corrupt=1");
        byte[] block = Images.Pattern(0x400, seed: 2);
        var flash = await probe.CommandAsync(Requests.FlashBegin(0x400, 1, 0x400, 0x10000));
        var flashData = await probe.CommandAsync(Requests.FlashData(0, block));

        await probe.CommandAsync(Requests.MemBegin(0x800, 2, 0x400, StubUpload.TextStart));
        var inWindow = await probe.CommandAsync(Requests.MemData(0, block));
        await probe.SendAsync(new Command(Opcode.MemEnd, new byte[] { 1, 0, 0, 0, 0, 0, 0, 0 }));
        await probe.ReplyAsync(Opcode.MemEnd);
        var afterEnd = await probe.CommandAsync(Requests.MemData(1, block));

        Assert.Equal(("00000000", "00000000"), (flash.DataHex, flashData.DataHex));
        Assert.Equal("01070000", inWindow.DataHex);
        Assert.Equal("00000000", afterEnd.DataHex);
        Assert.Equal(1, probe.Device.Log().Count("ram-corrupt"));
    }

    [Fact]
    public async Task StubUpload_LowRate_SomeBlockFailsAndTheLogSaysWhich()
    {
        // A realistic rate: about one flipped bit per 6 KiB block; which block depends only on the seed.
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32, faults: Faulty.Plan("ram-corrupt=0.0002", serial: 3));
        byte[] text = Images.Pattern(6 * BlockSizes.RamBlock, seed: 4);
        await probe.CommandAsync(Requests.MemBegin((uint)text.Length, 6, BlockSizes.RamBlock, StubUpload.TextStart));
        var statuses = new List<string>();
        uint seq = 0;
        foreach (byte[] block in Images.Blocks(text, BlockSizes.RamBlock, padWithFf: false))
        {
            statuses.Add((await probe.CommandAsync(Requests.MemData(seq++, block))).DataHex);
        }

        var damaged = probe.Device.Log().Entries
            .Where(e => e.Detail.EndsWith("the checksum no longer matches", StringComparison.Ordinal))
            .Select(e => int.Parse(e.Detail.Split(' ')[2].TrimEnd(':'), System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.NotEmpty(damaged);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => damaged.Contains(i) ? "01070000" : "00000000"), statuses);
    }

    /// <summary>Flips bit 0 of the first MEM_DATA payload byte after <paramref name="clean"/> intact ones.</summary>
    private sealed class DamageAfter(long clean) : IRamUploadFaults
    {
        private long _seen;

        public int Damaged { get; private set; }

        public void MemData(uint sequence, Span<byte> payload)
        {
            long at = clean - _seen;
            _seen += payload.Length;
            if (Damaged == 0 && at >= 0 && at < payload.Length)
            {
                payload[(int)at] ^= 1;
                Damaged++;
            }
        }
    }
}
