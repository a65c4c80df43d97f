using Station.Protocol.Images;

namespace Station.Protocol.Tests.Images;

public class EspImageTests
{
    [Fact]
    public void Parse_ValidImage_FindsSegmentsChecksumAndHash()
    {
        byte[] bytes = TestImages.Build(segmentLengths: [20, 33]);
        var image = EspImage.Parse(bytes, extendedHeader: true);

        Assert.Equal(2, image.SegmentCount);
        Assert.Equal(0x20, image.Segments[0].DataOffset);
        Assert.Equal(20, image.Segments[0].Length);
        Assert.Equal(0x20 + 20 + 8, image.Segments[1].DataOffset);
        Assert.Equal(15, image.ChecksumOffset % 16);
        Assert.True(image.ChecksumValid);
        Assert.True(image.HashAppended);
        Assert.True(image.HashValid(bytes));
        Assert.Equal(bytes.Length, image.Length);
        Assert.Equal((ushort)0, image.ChipId);
    }

    [Fact]
    public void Parse_SegmentsEndingAt15Mod16_NeedNoPadding()
    {
        // Header 24 + segment header 8 + 7 data = 39 = 0x27 → checksum at 0x2F; choose length so data ends at 15 mod 16.
        byte[] bytes = TestImages.Build(hashAppended: false, segmentLengths: [15]);
        var image = EspImage.Parse(bytes, extendedHeader: true);

        Assert.Equal(0x2F, image.ChecksumOffset);
        Assert.True(image.ChecksumValid);
    }

    [Fact]
    public void Parse_CorruptedSegmentByte_FailsChecksumButParses()
    {
        byte[] bytes = TestImages.Build(hashAppended: false);
        bytes[0x21] ^= 0x01;

        Assert.False(EspImage.Parse(bytes, true).ChecksumValid);
    }

    [Theory]
    [InlineData(0, "first byte is 0x00")]
    [InlineData(1, "segment count 0")]
    public void Parse_BadHeader_NamesTheProblem(int index, string expected)
    {
        byte[] bytes = TestImages.Build();
        bytes[index] = 0;

        var e = Assert.Throws<ProtocolException>(() => EspImage.Parse(bytes, true));
        Assert.Equal(ProtocolFault.MalformedImage, e.Fault);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TruncatedImage_SaysWhere()
    {
        byte[] bytes = TestImages.Build(segmentLengths: [100]);

        var e = Assert.Throws<ProtocolException>(() => EspImage.Parse(bytes.AsSpan(0, 60), true));
        Assert.Contains("past the end", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Esp8266Image_HasNoExtendedHeader()
    {
        byte[] bytes = TestImages.Build(extended: false, hashAppended: false, segmentLengths: [12]);
        var image = EspImage.Parse(bytes, extendedHeader: false);

        Assert.Equal(16, image.Segments[0].DataOffset);
        Assert.Null(image.ChipId);
        Assert.True(image.ChecksumValid);
    }

    [Fact]
    public void HashValid_DetectsAChangedHeader()
    {
        byte[] bytes = TestImages.Build();
        bytes[2] = 0x03;

        Assert.False(EspImage.Parse(bytes, true).HashValid(bytes));
    }
}
