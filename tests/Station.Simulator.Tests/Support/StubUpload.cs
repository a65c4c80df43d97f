using Station.Protocol.Commands;

namespace Station.Simulator.Tests.Support;

/// <summary>Uploads a synthetic "stub" program the way esptool does and waits for OHAI.</summary>
internal static class StubUpload
{
    public const uint TextStart = 0x4008_0000;
    public const uint Entry = TextStart + 0x40;

    public static async Task RunAsync(WireProbe probe)
    {
        byte[] text = Images.Pattern(7000, seed: 9);
        uint blocks = (uint)((text.Length + BlockSizes.RamBlock - 1) / BlockSizes.RamBlock);
        Assert.Equal(0, (await probe.CommandAsync(Requests.MemBegin((uint)text.Length, blocks, BlockSizes.RamBlock, TextStart))).Data[0]);
        uint seq = 0;
        foreach (byte[] block in Images.Blocks(text, BlockSizes.RamBlock, padWithFf: false))
        {
            Assert.Equal(0, (await probe.CommandAsync(Requests.MemData(seq++, block))).Data[0]);
        }

        await probe.CommandAsync(Requests.MemEnd(Entry));
        byte[] greeting = await probe.ReadFrameAsync();
        Assert.Equal("OHAI"u8.ToArray(), greeting);
    }
}
