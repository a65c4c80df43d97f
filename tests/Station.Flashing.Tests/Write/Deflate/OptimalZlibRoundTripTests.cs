using Station.Flashing.Write.Deflate;

namespace Station.Flashing.Tests.Write.Deflate;

public class OptimalZlibRoundTripTests
{
    private const int Segment = OptimalZlib.SegmentSize;

    [Fact]
    public void Compress_Empty_InflatesToEmpty()
    {
        byte[] zlib = OptimalZlib.Compress([]);

        Assert.Empty(DeflateInputs.Inflate(zlib));
        Assert.True(zlib.Length <= 2 + 2 + 4, $"{zlib.Length} bytes for nothing");
    }

    [Fact]
    public void Compress_OneByte_RoundTrips() => AssertRoundTrip([0x5A]);

    [Fact]
    public void Compress_AllByteValues_RoundTrips() => AssertRoundTrip(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray());

    [Theory]
    [InlineData(0xFF)]
    [InlineData(0x00)]
    public void Compress_OneMebibyteOfOneValue_RoundTripsAndTakesUnderTwoKilobytes(byte value)
    {
        byte[] data = new byte[1024 * 1024];
        data.AsSpan().Fill(value);

        byte[] zlib = AssertRoundTrip(data);

        Assert.True(zlib.Length < 2048, $"{zlib.Length} bytes");
    }

    [Fact]
    public void Compress_TextLike_RoundTripsSmallerThanZLibStream()
    {
        byte[] data = DeflateInputs.TextLike(200_000, 7);

        byte[] zlib = AssertRoundTrip(data);

        Assert.True(zlib.Length < DeflateInputs.ZLibSmallest(data).Length);
    }

    [Theory]
    [InlineData(258)]
    [InlineData(259)]
    [InlineData(516)]
    [InlineData(517)]
    public void Compress_RunAroundMaximumMatchLength_RoundTrips(int run)
    {
        byte[] data = [.. DeflateInputs.Random(100, 3), .. Enumerable.Repeat((byte)'a', run), (byte)'b', .. Enumerable.Repeat((byte)'a', run)];

        AssertRoundTrip(data);
    }

    [Fact]
    public void Compress_RepeatAtDistance32768_IsFoundAndRoundTrips()
    {
        byte[] block = DeflateInputs.Random(32768, 4);

        byte[] zlib = AssertRoundTrip([.. block, .. block]);

        // Only a match at distance 32768 makes the second copy nearly free.
        Assert.True(zlib.Length < block.Length + 1024, $"{zlib.Length} bytes");
    }

    [Fact]
    public void Compress_RepeatAtDistance32769_IsNotUsedAndRoundTrips()
    {
        byte[] block = DeflateInputs.Random(32769, 5);

        byte[] zlib = AssertRoundTrip([.. block, .. block]);

        // Out of the window: both copies cost their full size.
        Assert.True(zlib.Length > 2 * block.Length, $"{zlib.Length} bytes");
    }

    [Theory]
    [InlineData(Segment - 1)]
    [InlineData(Segment)]
    [InlineData(Segment + 1)]
    [InlineData((2 * Segment) + 3)]
    public void Compress_SizesAroundSegmentBoundaries_RoundTrip(int length) => AssertRoundTrip(DeflateInputs.FirmwareLike(length, length));

    [Fact]
    public void Compress_RepeatAcrossSegmentBoundary_MatchesIntoThePreviousSegment()
    {
        byte[] data = new byte[Segment + 20_000];
        byte[] block = DeflateInputs.Random(20_000, 6);
        block.CopyTo(data, Segment - 20_000);
        block.CopyTo(data, Segment);

        byte[] zlib = AssertRoundTrip(data);

        // The second segment sees the first one's tail as its dictionary, so the copy costs little.
        Assert.True(zlib.Length < 21_000, $"{zlib.Length} bytes");
    }

    [Fact]
    public void Compress_FirmwareLike_RoundTrips() => AssertRoundTrip(DeflateInputs.FirmwareLike(300_000, 8));

    [Fact]
    public void Compress_MixedRunsRandomAndCode_RoundTrips()
    {
        byte[] data = [.. DeflateInputs.FirmwareLike(70_000, 9), .. new byte[70_000], .. DeflateInputs.Random(70_000, 10),
            .. Enumerable.Repeat((byte)0xFF, 70_000), .. DeflateInputs.TextLike(70_000, 11)];

        AssertRoundTrip(data);
    }

    private static byte[] AssertRoundTrip(byte[] data)
    {
        byte[] zlib = OptimalZlib.Compress(data);

        Assert.Equal(data, DeflateInputs.Inflate(zlib));
        return zlib;
    }
}
