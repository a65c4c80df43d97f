using Station.Cli.Bench;
using Station.Flashing.Write;
using Station.Protocol.Chips;
using Station.Protocol.Images;
using Station.Simulator.Flash;

namespace Station.Cli.Tests.Bench;

public class CycleLimitTests
{
    private const uint FourMegabytes = 4 * 1024 * 1024;

    [Fact]
    public void EraseSeconds_AlignedMegabyte_IsSixteenBlockErases()
    {
        double seconds = CycleLimit.EraseSeconds(0x10000, 0x10_0000, FlashTiming.Datasheet, FourMegabytes);

        Assert.Equal(16 * FlashTiming.Datasheet.BlockErase.TotalSeconds, seconds, 9);
    }

    [Fact]
    public void EraseSeconds_UnalignedStart_ErasesSectorsUpToTheNextBlockThenBlocks()
    {
        // 0x1000..0x21000: 15 sectors to reach 0x10000, then one 64 KiB block, then one sector.
        double seconds = CycleLimit.EraseSeconds(0x1000, 0x2_0000, FlashTiming.Datasheet, FourMegabytes);

        Assert.Equal((16 * FlashTiming.Datasheet.SectorErase.TotalSeconds) + FlashTiming.Datasheet.BlockErase.TotalSeconds, seconds, 9);
    }

    [Fact]
    public void For_RandomRegionAtLowBaud_IsWireBoundAndAboveTheWireTime()
    {
        var plan = Plan(Random(256 * 1024, 1));

        var limit = CycleLimit.For(plan.Regions, 115200, FlashTiming.Datasheet, FourMegabytes);

        Assert.True(limit.Wire > limit.Flash);
        Assert.Equal(CycleLimit.WireSeconds(plan.Regions[0].Compressed!.Length, 115200), limit.Wire, 9);
        Assert.InRange(limit.Write, limit.Wire, limit.Wire + limit.Flash);
        Assert.Equal(limit.Sync + limit.Write + limit.Reset, limit.Total, 9);
        var stream = plan.Regions[0].Compressed!.Bytes;
        Assert.Equal(stream.Count(b => b is 0xC0 or 0xDB), limit.SlipEscapes);
        Assert.True(limit.SlipEscapes > 0, "256 KiB of random bytes hold about two escapes per 256 bytes");
    }

    [Fact]
    public void For_ErasedMegabyteAtHighBaud_IsFlashBound()
    {
        byte[] erased = new byte[1024 * 1024];
        erased.AsSpan().Fill(0xFF);
        var plan = Plan(erased);

        var limit = CycleLimit.For(plan.Regions, 2_000_000, FlashTiming.Datasheet, FourMegabytes);

        double expectedFlash = (16 * FlashTiming.Datasheet.BlockErase.TotalSeconds) + (4096 * FlashTiming.Datasheet.PageProgram.TotalSeconds);
        Assert.Equal(expectedFlash, limit.Flash, 9);
        Assert.InRange(limit.Write, expectedFlash, expectedFlash + limit.Wire);
    }

    [Fact]
    public void For_CompressibleImageAtHighBaud_EraseLumpsCannotBorrowWireTime()
    {
        // Code-like data: per block the wire is shorter than an erase, longer than programming alone.
        byte[] data = new byte[1024 * 1024];
        var random = new Random(3);
        for (int i = 0; i < data.Length; i += 4)
        {
            data[i] = (byte)random.Next(4);
        }

        var limit = CycleLimit.For(Plan(data).Regions, 2_000_000, FlashTiming.Datasheet, FourMegabytes);

        Assert.True(limit.Write > Math.Max(limit.Wire, limit.Flash));
        Assert.True(limit.Write < limit.Wire + limit.Flash);
    }

    [Fact]
    public void For_HigherBaud_NeverRaisesTheLimit()
    {
        var plan = Plan(Random(200 * 1024, 2));

        double[] limits = [.. new[] { 115200, 460800, 921600, 2_000_000 }.Select(b => CycleLimit.For(plan.Regions, b, FlashTiming.Datasheet, FourMegabytes).Total)];

        Assert.Equal(limits.OrderDescending(), limits);
    }

    [Fact]
    public void SyncSeconds_OneRequestAndEightReplies_AtRomBaud()
    {
        // SYNC request: 8 + 36 bytes, 2 frame ends; reply: 8 + 4 bytes, 2 frame ends; none need escaping.
        Assert.Equal(((8 + 36 + 2) + (8 * (8 + 4 + 2))) * 10.0 / 115200, CycleLimit.SyncSeconds(), 9);
    }

    private static FlashPlan Plan(byte[] data) =>
        FlashPlan.Prepare([new ImageSource(0x10000, data, "image")], ChipCatalogue.Esp32, FlashSettings.Keep, compress: true);

    private static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
