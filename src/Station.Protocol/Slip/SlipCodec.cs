namespace Station.Protocol.Slip;

/// <summary>
/// SLIP framing as the Espressif loaders use it: every packet is <c>C0 escaped-bytes C0</c>,
/// with <c>DB</c> escaped as <c>DB DD</c> and <c>C0</c> as <c>DB DC</c>.
/// Lengths and checksums are computed on unescaped bytes, so escaping is the very last step.
/// </summary>
public static class SlipCodec
{
    public const byte End = 0xC0;
    public const byte Escape = 0xDB;
    public const byte EscapedEnd = 0xDC;
    public const byte EscapedEscape = 0xDD;

    /// <summary>Bytes needed to frame <paramref name="payload"/>, delimiters included.</summary>
    public static int EncodedLength(ReadOnlySpan<byte> payload)
    {
        int specials = payload.Count(End) + payload.Count(Escape);
        return payload.Length + specials + 2;
    }

    /// <summary>Largest possible framed size of a payload of <paramref name="payloadLength"/> bytes.</summary>
    public static int MaxEncodedLength(int payloadLength) => (payloadLength * 2) + 2;

    /// <summary>Frames <paramref name="payload"/> into <paramref name="destination"/>; returns bytes written.</summary>
    public static int Encode(ReadOnlySpan<byte> payload, Span<byte> destination) => Encode(payload, [], destination);

    /// <summary>
    /// Frames the packet <paramref name="head"/> followed by <paramref name="body"/> (one SLIP frame) into
    /// <paramref name="destination"/>, so a large body is escaped straight from where it lies, never copied into a
    /// packet first; returns bytes written. <paramref name="destination"/> must hold <see cref="MaxEncodedLength"/> of both.
    /// </summary>
    public static int Encode(ReadOnlySpan<byte> head, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        int o = 0;
        destination[o++] = End;
        o += EscapeInto(head, destination[o..]);
        o += EscapeInto(body, destination[o..]);
        destination[o++] = End;
        return o;
    }

    public static byte[] Encode(ReadOnlySpan<byte> payload)
    {
        var framed = new byte[EncodedLength(payload)];
        Encode(payload, framed);
        return framed;
    }

    private static int EscapeInto(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        int o = 0;
        while (!payload.IsEmpty)
        {
            int special = payload.IndexOfAny(End, Escape);
            int plain = special < 0 ? payload.Length : special;
            payload[..plain].CopyTo(destination[o..]);
            o += plain;
            if (special < 0)
            {
                break;
            }

            destination[o++] = Escape;
            destination[o++] = payload[special] == End ? EscapedEnd : EscapedEscape;
            payload = payload[(special + 1)..];
        }

        return o;
    }
}
