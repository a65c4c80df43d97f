using System.Buffers;

namespace Station.Transport.Rfc2217;

/// <summary>Telnet (RFC 854/855) bytes and the options an RFC 2217 session uses.</summary>
public static class Telnet
{
    public const byte Iac = 255;
    public const byte Dont = 254;
    public const byte Do = 253;
    public const byte Wont = 252;
    public const byte Will = 251;
    public const byte Sb = 250;
    public const byte Se = 240;

    /// <summary>RFC 856: 8-bit data in both directions, no CR/NUL translation.</summary>
    public const byte Binary = 0;

    public const byte Echo = 1;

    /// <summary>RFC 858: suppress go-ahead (full duplex).</summary>
    public const byte SuppressGoAhead = 3;

    /// <summary>RFC 2217: COM-PORT-OPTION.</summary>
    public const byte ComPortOption = 44;

    /// <summary>Writes <paramref name="data"/> as telnet data: every 0xFF doubled.</summary>
    public static void Escape(ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        while (!data.IsEmpty)
        {
            int iac = data.IndexOf(Iac);
            int run = iac < 0 ? data.Length : iac + 1;
            data[..run].CopyTo(output.GetSpan(run));
            output.Advance(run);
            if (iac >= 0)
            {
                output.GetSpan(1)[0] = Iac;
                output.Advance(1);
            }

            data = data[run..];
        }
    }

    /// <summary>IAC &lt;verb&gt; &lt;option&gt;.</summary>
    public static byte[] Command(byte verb, byte option) => [Iac, verb, option];

    /// <summary>IAC SB &lt;option&gt; &lt;payload, escaped&gt; IAC SE.</summary>
    public static byte[] Subnegotiation(byte option, ReadOnlySpan<byte> payload)
    {
        var output = new ArrayBufferWriter<byte>(payload.Length + 8);
        output.Write([Iac, Sb, option]);
        Escape(payload, output);
        output.Write([Iac, Se]);
        return output.WrittenSpan.ToArray();
    }
}

/// <summary>What the telnet decoder found in the byte stream.</summary>
public interface ITelnetReceiver
{
    /// <summary>A run of data bytes (IAC IAC already undone).</summary>
    void OnData(ReadOnlySpan<byte> data);

    /// <summary>IAC WILL/WONT/DO/DONT &lt;option&gt;.</summary>
    void OnNegotiation(byte verb, byte option);

    /// <summary>IAC SB &lt;option&gt; … IAC SE with the payload unescaped.</summary>
    void OnSubnegotiation(byte option, ReadOnlySpan<byte> payload);
}

/// <summary>
/// Splits a telnet byte stream into data, option negotiations and subnegotiations. Keeps its state
/// across calls, so a sequence cut anywhere by TCP segmentation decodes the same. Other IAC commands
/// (NOP, GA, AYT, …) are dropped; a subnegotiation longer than <see cref="MaxSubnegotiation"/> is
/// dropped whole rather than buffered without bound.
/// </summary>
public sealed class TelnetDecoder
{
    public const int MaxSubnegotiation = 256;

    private readonly List<byte> _payload = [];
    private readonly byte[] _data = new byte[4096];
    private State _state;
    private byte _verb;
    private byte _option;
    private bool _overflow;

    private enum State
    {
        Data,
        Iac,
        Option,
        SbOption,
        SbData,
        SbIac,
    }

    public void Decode(ReadOnlySpan<byte> input, ITelnetReceiver receiver)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        int pending = 0;
        foreach (byte b in input)
        {
            switch (_state)
            {
                case State.Data:
                    if (b == Telnet.Iac)
                    {
                        _state = State.Iac;
                    }
                    else
                    {
                        _data[pending++] = b;
                        if (pending == _data.Length)
                        {
                            receiver.OnData(_data);
                            pending = 0;
                        }
                    }

                    break;
                case State.Iac:
                    switch (b)
                    {
                        case Telnet.Iac:
                            _data[pending++] = b;
                            if (pending == _data.Length)
                            {
                                receiver.OnData(_data);
                                pending = 0;
                            }

                            _state = State.Data;
                            break;
                        case Telnet.Will or Telnet.Wont or Telnet.Do or Telnet.Dont:
                            _verb = b;
                            _state = State.Option;
                            break;
                        case Telnet.Sb:
                            _state = State.SbOption;
                            break;
                        default:
                            _state = State.Data;
                            break;
                    }

                    break;
                case State.Option:
                    Flush(receiver, ref pending);
                    receiver.OnNegotiation(_verb, b);
                    _state = State.Data;
                    break;
                case State.SbOption:
                    _option = b;
                    _payload.Clear();
                    _overflow = false;
                    _state = State.SbData;
                    break;
                case State.SbData:
                    if (b == Telnet.Iac)
                    {
                        _state = State.SbIac;
                    }
                    else
                    {
                        AddPayload(b);
                    }

                    break;
                case State.SbIac:
                    if (b == Telnet.Se)
                    {
                        if (!_overflow)
                        {
                            Flush(receiver, ref pending);
                            receiver.OnSubnegotiation(_option, [.. _payload]);
                        }

                        _state = State.Data;
                    }
                    else
                    {
                        // IAC IAC is a 0xFF in the payload; anything else is a sender's mistake: keep the byte.
                        AddPayload(b);
                        _state = State.SbData;
                    }

                    break;
            }
        }

        Flush(receiver, ref pending);
    }

    private void AddPayload(byte b)
    {
        if (_payload.Count < MaxSubnegotiation)
        {
            _payload.Add(b);
        }
        else
        {
            _overflow = true;
        }
    }

    private void Flush(ITelnetReceiver receiver, ref int pending)
    {
        if (pending > 0)
        {
            receiver.OnData(_data.AsSpan(0, pending));
            pending = 0;
        }
    }
}
