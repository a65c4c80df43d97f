using Station.Protocol.Slip;

namespace Station.Protocol.Tests.Slip;

public class SlipCodecTests
{
    [Fact]
    public void Encode_PlainBytes_AreWrappedInDelimiters()
    {
        Assert.Equal(Hex.Bytes("c0 01 02 03 c0"), SlipCodec.Encode(Hex.Bytes("01 02 03")));
    }

    [Fact]
    public void Encode_HeadAndBody_IsOneFrameOfBothInOrder()
    {
        byte[] head = Hex.Bytes("00 11 c0 db");
        byte[] body = Hex.Bytes("db 05 c0");
        var framed = new byte[SlipCodec.MaxEncodedLength(head.Length + body.Length)];

        int n = SlipCodec.Encode(head, body, framed);

        Assert.Equal(SlipCodec.Encode([.. head, .. body]), framed[..n]);
    }

    [Fact]
    public void Encode_SpecialBytes_AreEscapedAfterEachOther()
    {
        // DB must become DB DD and C0 must become DB DC, including DB followed by C0.
        Assert.Equal(Hex.Bytes("c0 db dd db dc 00 db dc db dd c0"), SlipCodec.Encode(Hex.Bytes("db c0 00 c0 db")));
    }

    [Fact]
    public void EncodedLength_MatchesEncode()
    {
        byte[] payload = Hex.Bytes("c0 c0 db 11 22 db");
        Assert.Equal(SlipCodec.Encode(payload).Length, SlipCodec.EncodedLength(payload));
    }

    [Fact]
    public void EncodeThenDecode_AllByteValues_RoundTrip()
    {
        byte[] payload = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var decoder = new SlipDecoder();
        ReadOnlySpan<byte> input = SlipCodec.Encode(payload);
        Assert.Equal(SlipToken.Frame, decoder.Next(ref input));
        Assert.Equal(payload, decoder.Frame.ToArray());
        Assert.True(input.IsEmpty);
    }
}
