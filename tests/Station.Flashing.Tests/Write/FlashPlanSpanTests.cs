using Station.Flashing.Tests.Write.Deflate;
using Station.Flashing.Write;
using Station.Protocol.Chips;
using Station.Protocol.Images;

namespace Station.Flashing.Tests.Write;

public class FlashPlanSpanTests
{
    [Fact]
    public void Prepare_ErasedRunOfAtLeast64K_SplitsIntoDataErasedData()
    {
        byte[] image = Random(400 * 1024, 1);
        image.AsSpan(0x1_0000, 0x2_0000).Fill(0xFF);

        var region = Prepare(image).Regions[0];

        Assert.Equal([(0, 0x1_0000, false), (0x1_0000, 0x2_0000, true), (0x3_0000, image.Length - 0x3_0000, false)],
            region.Spans.Select(s => (s.Offset, s.Length, s.Erased)));
        Assert.All(region.Spans.Where(s => !s.Erased), s => Assert.NotNull(s.Compressed));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(image.AsSpan(0x1_0000, 0x2_0000))), region.Spans[1].Md5);
        Assert.NotNull(region.Compressed);
    }

    [Fact]
    public void Prepare_ErasedRunShorterThan64KOrUnaligned_StaysOneDataSpan()
    {
        byte[] image = Random(300 * 1024, 2);
        image.AsSpan(0x1_0000, 0xF000).Fill(0xFF);              // 60 KiB: too short
        image.AsSpan(0x2_0800, 0x1_0000).Fill(0xFF);            // 64 KiB, but only 60 KiB of whole sectors

        var region = Prepare(image).Regions[0];

        var span = Assert.Single(region.Spans);
        Assert.Equal((0, image.Length, false), (span.Offset, span.Length, span.Erased));
        Assert.Same(region.Compressed, span.Compressed);
    }

    [Fact]
    public void Prepare_ImageEndingInAnErasedRun_EndsWithTheErasedSpan()
    {
        byte[] image = Random(0x3_0000, 3);
        image.AsSpan(0x1_0000).Fill(0xFF);

        var region = Prepare(image).Regions[0];

        Assert.Equal([(0, 0x1_0000, false), (0x1_0000, 0x2_0000, true)], region.Spans.Select(s => (s.Offset, s.Length, s.Erased)));
    }

    [Fact]
    public void Prepare_SmallestEffort_SendsFewerBytesThatInflateToTheSameData()
    {
        byte[] image = DeflateInputs.FirmwareLike(200 * 1024, 4);
        image.AsSpan(0x1_0000, 0x1_0000).Fill(0xFF);
        var source = new ImageSource(0x10_0000, image, "app");

        var fast = FlashPlan.Prepare([source], ChipCatalogue.Esp32, FlashSettings.Keep, compress: true, CompressionEffort.Fast).Regions[0];
        var smallest = FlashPlan.Prepare([source], ChipCatalogue.Esp32, FlashSettings.Keep, compress: true, CompressionEffort.Smallest).Regions[0];

        Assert.Equal(3, smallest.Spans.Count);
        foreach (var (f, s) in fast.Spans.Zip(smallest.Spans).Where(p => !p.First.Erased))
        {
            Assert.Equal(CompressionEffort.Smallest, s.Compressed!.Effort);
            Assert.True(s.Compressed.Length < f.Compressed!.Length, $"{s.Compressed.Length} bytes is not fewer than zlib's {f.Compressed.Length}");
            Assert.Equal(image.AsSpan(s.Offset, s.Length).ToArray(), DeflateInputs.Inflate(s.Compressed.Bytes));
        }

        // The whole-region stream (made only when asked, as the bench's limit does) holds the whole region.
        Assert.True(smallest.IsCompressed);
        Assert.Equal(image, DeflateInputs.Inflate(smallest.Compressed!.Bytes));
    }

    [Fact]
    public void Prepare_SmallestEffortCancelled_StopsWithCancellation()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var source = new ImageSource(0x10_0000, DeflateInputs.FirmwareLike(600 * 1024, 6), "app");

        Assert.ThrowsAny<OperationCanceledException>(() =>
            FlashPlan.Prepare([source], ChipCatalogue.Esp32, FlashSettings.Keep, compress: true, CompressionEffort.Smallest, cancelled.Token));
    }

    [Fact]
    public void Prepare_WithoutCompression_HasNoStreams()
    {
        byte[] image = Random(0x3_0000, 5);
        image.AsSpan(0x1_0000).Fill(0xFF);

        var region = FlashPlan.Prepare([new ImageSource(0x10_0000, image, "app")], ChipCatalogue.Esp32, FlashSettings.Keep, compress: false).Regions[0];

        Assert.False(region.IsCompressed);
        Assert.Null(region.Compressed);
        Assert.All(region.Spans, s => Assert.Null(s.Compressed));
    }

    private static FlashPlan Prepare(byte[] image) =>
        FlashPlan.Prepare([new ImageSource(0x10_0000, image, "merged")], ChipCatalogue.Esp32, FlashSettings.Keep, compress: true);

    private static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
