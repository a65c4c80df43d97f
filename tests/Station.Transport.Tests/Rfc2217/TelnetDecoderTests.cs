using System.Buffers;
using Station.Transport.Rfc2217;

namespace Station.Transport.Tests.Rfc2217;

public sealed class TelnetDecoderTests
{
    private static readonly byte[] Stream =
    [
        (byte)'a', 0xFF, 0xFF, (byte)'b',                           // data with an escaped 0xFF
        0xFF, Telnet.Will, Telnet.ComPortOption,                    // negotiation
        (byte)'c',
        0xFF, Telnet.Sb, Telnet.ComPortOption, 101, 0x00, 0x0E, 0x10, 0xFF, 0xFF, 0xFF, Telnet.Se, // baud answer with a 0xFF byte
        0xFF, 241,                                                  // NOP: dropped
        (byte)'d',
    ];

    [Fact]
    public void Decode_WholeStream_SeparatesDataNegotiationsAndSubnegotiations()
    {
        var seen = new Recorder();

        new TelnetDecoder().Decode(Stream, seen);

        Assert.Equal("data(61 FF 62) will(44) data(63) sb(44: 65 00 0E 10 FF) data(64)", seen.ToString());
    }

    [Fact]
    public void Decode_CutAtEveryPossiblePlace_DecodesTheSame()
    {
        var whole = new Recorder();
        new TelnetDecoder().Decode(Stream, whole);
        for (int cut = 1; cut < Stream.Length; cut++)
        {
            var parts = new Recorder();
            var decoder = new TelnetDecoder();

            decoder.Decode(Stream.AsSpan(0, cut), parts);
            decoder.Decode(Stream.AsSpan(cut), parts);

            Assert.Equal(whole.Events(), parts.Events());
        }
    }

    [Fact]
    public void Decode_SubnegotiationLongerThanTheLimit_IsDroppedAndDataAfterItSurvives()
    {
        var seen = new Recorder();
        byte[] huge = [0xFF, Telnet.Sb, 44, .. new byte[TelnetDecoder.MaxSubnegotiation + 10], 0xFF, Telnet.Se, (byte)'z'];

        new TelnetDecoder().Decode(huge, seen);

        Assert.Equal("data(7A)", seen.ToString());
    }

    [Fact]
    public void Escape_EveryFf_IsDoubledAndNothingElseChanges()
    {
        var output = new ArrayBufferWriter<byte>();

        Telnet.Escape([0x00, 0xFF, 0xFE, 0xFF, 0xFF], output);

        Assert.Equal([0x00, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF], output.WrittenSpan.ToArray());
    }

    [Fact]
    public void ComPortBaud_EncodesNetworkOrderAndEscapesInsideTheSubnegotiation()
    {
        byte[] command = ComPort.Baud(ComPort.SetBaudRate, 0x00FF_FF00);

        Assert.Equal([0xFF, Telnet.Sb, 44, 1, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0xFF, Telnet.Se], command);
    }

    /// <summary>Keeps what the decoder reported, merging adjacent data runs (where TCP cuts a run is not meaningful).</summary>
    private sealed class Recorder : ITelnetReceiver
    {
        private readonly List<string> _events = [];
        private readonly List<byte> _data = [];

        public void OnData(ReadOnlySpan<byte> data) => _data.AddRange(data.ToArray());

        public void OnNegotiation(byte verb, byte option)
        {
            FlushData();
            string name = verb switch { Telnet.Will => "will", Telnet.Wont => "wont", Telnet.Do => "do", _ => "dont" };
            _events.Add($"{name}({option})");
        }

        public void OnSubnegotiation(byte option, ReadOnlySpan<byte> payload)
        {
            FlushData();
            _events.Add($"sb({option}: {Convert.ToHexString(payload).Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + " " + b)})");
        }

        public List<string> Events()
        {
            FlushData();
            return [.. _events];
        }

        public override string ToString() => string.Join(' ', Events());

        private void FlushData()
        {
            if (_data.Count > 0)
            {
                _events.Add($"data({string.Join(' ', _data.Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)))})");
                _data.Clear();
            }
        }
    }
}
