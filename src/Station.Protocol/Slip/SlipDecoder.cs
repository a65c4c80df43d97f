namespace Station.Protocol.Slip;

/// <summary>What <see cref="SlipDecoder.Next"/> found in the input.</summary>
public enum SlipToken
{
    /// <summary>The input is used up; feed more bytes.</summary>
    NeedMoreInput,

    /// <summary>A complete frame is available in <see cref="SlipDecoder.Frame"/> until the next call.</summary>
    Frame,

    /// <summary>A frame grew past the size bound; it was dropped and the decoder waits for the next delimiter.</summary>
    FrameTooLong,

    /// <summary><c>DB</c> was followed by something other than <c>DC</c>/<c>DD</c>; the frame was dropped.</summary>
    InvalidEscape,
}

/// <summary>
/// Incremental SLIP decoder. Bytes seen outside a frame (a ROM boot banner, application output
/// before reset) are not an error: they are kept, bounded, in <see cref="Noise"/> so a caller can
/// read the boot log. Frame size is bounded so a line that never sends <c>C0</c> cannot grow memory.
/// </summary>
public sealed class SlipDecoder
{
    /// <summary>The stub's receive buffer is 0x4000 + 64 bytes; a little headroom for headers.</summary>
    public const int DefaultMaxFrameLength = 0x4000 + 0x100;

    public const int DefaultNoiseCapacity = 4096;

    private enum State
    {
        Outside,
        Inside,
        Escaped,
        Discarding,
    }

    private readonly byte[] _frame;
    private readonly byte[] _noise;
    private int _frameLength;
    private int _noiseStart;
    private int _noiseLength;
    private State _state;

    public SlipDecoder(int maxFrameLength = DefaultMaxFrameLength, int noiseCapacity = DefaultNoiseCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameLength, 8);
        ArgumentOutOfRangeException.ThrowIfNegative(noiseCapacity);
        _frame = new byte[maxFrameLength];
        _noise = new byte[noiseCapacity];
    }

    public int MaxFrameLength => _frame.Length;

    /// <summary>The frame returned by the last <see cref="SlipToken.Frame"/>; valid until the next call.</summary>
    public ReadOnlySpan<byte> Frame => _frame.AsSpan(0, _frameLength);

    /// <summary>Total bytes ever seen outside frames (including those no longer kept).</summary>
    public long NoiseCount { get; private set; }

    /// <summary>True while a frame has started but not ended.</summary>
    public bool InFrame => _state is State.Inside or State.Escaped;

    /// <summary>The most recent bytes seen outside frames, oldest first (at most the noise capacity).</summary>
    public byte[] Noise()
    {
        var copy = new byte[_noiseLength];
        int first = Math.Min(_noiseLength, _noise.Length - _noiseStart);
        _noise.AsSpan(_noiseStart, first).CopyTo(copy);
        _noise.AsSpan(0, _noiseLength - first).CopyTo(copy.AsSpan(first));
        return copy;
    }

    public void ClearNoise()
    {
        _noiseStart = 0;
        _noiseLength = 0;
    }

    /// <summary>Forgets any partial frame and the kept noise (after the caller discarded its input).</summary>
    public void Reset()
    {
        _state = State.Outside;
        _frameLength = 0;
        ClearNoise();
    }

    /// <summary>Consumes input up to the next event and advances <paramref name="input"/> past it.</summary>
    public SlipToken Next(ref ReadOnlySpan<byte> input)
    {
        int i = 0;
        try
        {
            while (i < input.Length)
            {
                byte b = input[i++];
                switch (_state)
                {
                    case State.Outside:
                        if (b == SlipCodec.End)
                        {
                            _state = State.Inside;
                            _frameLength = 0;
                        }
                        else
                        {
                            KeepNoise(b);
                        }

                        break;

                    case State.Discarding:
                        if (b == SlipCodec.End)
                        {
                            _state = State.Outside;
                        }

                        break;

                    case State.Inside:
                        if (b == SlipCodec.End)
                        {
                            if (_frameLength == 0)
                            {
                                // "C0 C0": treat the second delimiter as the start of the frame.
                                break;
                            }

                            _state = State.Outside;
                            return SlipToken.Frame;
                        }

                        if (b == SlipCodec.Escape)
                        {
                            _state = State.Escaped;
                            break;
                        }

                        if (!Append(b))
                        {
                            return SlipToken.FrameTooLong;
                        }

                        break;

                    case State.Escaped:
                        byte decoded = b switch
                        {
                            SlipCodec.EscapedEnd => SlipCodec.End,
                            SlipCodec.EscapedEscape => SlipCodec.Escape,
                            _ => 0,
                        };
                        if (b is not (SlipCodec.EscapedEnd or SlipCodec.EscapedEscape))
                        {
                            // A C0 here ends the broken frame; anything else leaves us inside it.
                            _state = b == SlipCodec.End ? State.Outside : State.Discarding;
                            _frameLength = 0;
                            return SlipToken.InvalidEscape;
                        }

                        _state = State.Inside;
                        if (!Append(decoded))
                        {
                            return SlipToken.FrameTooLong;
                        }

                        break;
                }
            }

            return SlipToken.NeedMoreInput;
        }
        finally
        {
            input = input[i..];
        }
    }

    private bool Append(byte b)
    {
        if (_frameLength == _frame.Length)
        {
            _state = State.Discarding;
            _frameLength = 0;
            return false;
        }

        _frame[_frameLength++] = b;
        return true;
    }

    private void KeepNoise(byte b)
    {
        NoiseCount++;
        if (_noise.Length == 0)
        {
            return;
        }

        if (_noiseLength < _noise.Length)
        {
            _noise[(_noiseStart + _noiseLength) % _noise.Length] = b;
            _noiseLength++;
        }
        else
        {
            _noise[_noiseStart] = b;
            _noiseStart = (_noiseStart + 1) % _noise.Length;
        }
    }
}
