using System.Text;
using Station.Protocol.Slip;

namespace Station.Protocol.Tests.Slip;

public class SlipDecoderTests
{
    [Fact]
    public void Next_BootTextBeforeFirstFrame_IsKeptAsNoiseAndFrameDecodes()
    {
        const string banner = "ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download\r\n";
        byte[] input = [.. Encoding.ASCII.GetBytes(banner), .. Hex.Bytes("c0 01 08 04 00 07 12 20 55 00 00 00 00 c0")];
        var decoder = new SlipDecoder();
        ReadOnlySpan<byte> span = input;

        Assert.Equal(SlipToken.Frame, decoder.Next(ref span));
        Assert.Equal(Hex.Bytes("01 08 04 00 07 12 20 55 00 00 00 00"), decoder.Frame.ToArray());
        Assert.Equal(banner, Encoding.ASCII.GetString(decoder.Noise()));
        Assert.Equal(banner.Length, decoder.NoiseCount);
    }

    [Fact]
    public void Next_FrameSplitAcrossFeeds_CompletesOnLastByte()
    {
        byte[] framed = SlipCodec.Encode(Hex.Bytes("00 c0 db 01"));
        var decoder = new SlipDecoder();
        for (int i = 0; i < framed.Length - 1; i++)
        {
            ReadOnlySpan<byte> one = framed.AsSpan(i, 1);
            Assert.Equal(SlipToken.NeedMoreInput, decoder.Next(ref one));
        }

        ReadOnlySpan<byte> last = framed.AsSpan(framed.Length - 1);
        Assert.Equal(SlipToken.Frame, decoder.Next(ref last));
        Assert.Equal(Hex.Bytes("00 c0 db 01"), decoder.Frame.ToArray());
    }

    [Fact]
    public void Next_BackToBackFrames_YieldsEachInTurn()
    {
        ReadOnlySpan<byte> input = Hex.Bytes("c0 01 c0 c0 02 03 c0");
        var decoder = new SlipDecoder();

        Assert.Equal(SlipToken.Frame, decoder.Next(ref input));
        Assert.Equal(Hex.Bytes("01"), decoder.Frame.ToArray());
        Assert.Equal(SlipToken.Frame, decoder.Next(ref input));
        Assert.Equal(Hex.Bytes("02 03"), decoder.Frame.ToArray());
        Assert.Equal(SlipToken.NeedMoreInput, decoder.Next(ref input));
    }

    [Fact]
    public void Next_InvalidEscape_DropsFrameAndRecoversOnNextFrame()
    {
        ReadOnlySpan<byte> input = Hex.Bytes("c0 01 db 07 02 c0 c0 05 c0");
        var decoder = new SlipDecoder();

        Assert.Equal(SlipToken.InvalidEscape, decoder.Next(ref input));
        Assert.Equal(SlipToken.Frame, decoder.Next(ref input));
        Assert.Equal(Hex.Bytes("05"), decoder.Frame.ToArray());
    }

    [Fact]
    public void Next_FrameLongerThanBound_IsDroppedAndDecoderResyncs()
    {
        var decoder = new SlipDecoder(maxFrameLength: 8);
        byte[] tooLong = SlipCodec.Encode(new byte[9]);
        byte[] ok = SlipCodec.Encode(Hex.Bytes("aa bb"));
        ReadOnlySpan<byte> input = [.. tooLong, .. ok];

        Assert.Equal(SlipToken.FrameTooLong, decoder.Next(ref input));
        Assert.Equal(SlipToken.Frame, decoder.Next(ref input));
        Assert.Equal(Hex.Bytes("aa bb"), decoder.Frame.ToArray());
    }

    [Fact]
    public void Noise_WhenMoreThanCapacity_KeepsTheMostRecentBytes()
    {
        var decoder = new SlipDecoder(noiseCapacity: 4);
        ReadOnlySpan<byte> input = Encoding.ASCII.GetBytes("abcdefg");

        Assert.Equal(SlipToken.NeedMoreInput, decoder.Next(ref input));
        Assert.Equal("defg", Encoding.ASCII.GetString(decoder.Noise()));
        Assert.Equal(7, decoder.NoiseCount);
    }

    [Fact]
    public void Reset_DiscardsHalfDecodedFrame()
    {
        var decoder = new SlipDecoder();
        ReadOnlySpan<byte> partial = Hex.Bytes("c0 01 02");
        decoder.Next(ref partial);
        Assert.True(decoder.InFrame);

        decoder.Reset();
        ReadOnlySpan<byte> next = Hex.Bytes("c0 09 c0");
        Assert.Equal(SlipToken.Frame, decoder.Next(ref next));
        Assert.Equal(Hex.Bytes("09"), decoder.Frame.ToArray());
    }

    [Fact]
    public void Next_RandomBytes_NeverThrowsAndFramesStayWithinBound()
    {
        var random = new Random(1234);
        var decoder = new SlipDecoder(maxFrameLength: 64);
        var buffer = new byte[4096];
        int frames = 0;
        for (int round = 0; round < 200; round++)
        {
            random.NextBytes(buffer);
            ReadOnlySpan<byte> input = buffer;
            while (!input.IsEmpty)
            {
                if (decoder.Next(ref input) == SlipToken.Frame)
                {
                    frames++;
                    Assert.InRange(decoder.Frame.Length, 1, 64);
                }
            }
        }

        Assert.True(frames > 0);
    }
}
