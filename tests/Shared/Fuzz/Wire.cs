using Station.Protocol.Slip;

namespace Station.Testing.Fuzz;

/// <summary>
/// Hostile bytes for the wire: random runs rich in the SLIP specials, and damaged copies of valid frames
/// (the ways a noisy line, a wrong baud or a confused device actually break them).
/// </summary>
internal static class Wire
{
    private static readonly byte[] Specials = [SlipCodec.End, SlipCodec.Escape, SlipCodec.EscapedEnd, SlipCodec.EscapedEscape, 0x00, 0x01];

    /// <summary>Random bytes; about a third are SLIP specials or direction bytes so the decoder's every state is reached.</summary>
    public static byte[] Noise(Random random, int maxLength)
    {
        var bytes = new byte[random.Next(maxLength + 1)];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = random.Next(3) == 0 ? Specials[random.Next(Specials.Length)] : (byte)random.Next(256);
        }

        return bytes;
    }

    /// <summary>One to four damages of <paramref name="framed"/> (a SLIP-encoded frame).</summary>
    public static byte[] Mutate(Random random, byte[] framed)
    {
        var bytes = new List<byte>(framed);
        int count = 1 + random.Next(4);
        for (int m = 0; m < count; m++)
        {
            Damage(random, bytes);
        }

        return [.. bytes];
    }

    private static void Damage(Random random, List<byte> bytes)
    {
        int at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
        switch (random.Next(10))
        {
            case 0 when bytes.Count > 0:
                bytes[at] ^= (byte)(1 << random.Next(8));   // bit flip
                break;
            case 1:
                bytes.RemoveRange(at, bytes.Count - at);   // truncation
                break;
            case 2:
                bytes.Insert(at, SlipCodec.End);   // extra delimiter
                break;
            case 3:
                RemoveFirst(bytes, SlipCodec.End, at);   // lost delimiter
                break;
            case 4:
                bytes.Insert(at, SlipCodec.Escape);   // stray escape
                break;
            case 5:
                RemoveFirst(bytes, SlipCodec.Escape, at);   // escape lost: DC/DD left bare
                break;
            case 6 when bytes.Count > 0:
                bytes.InsertRange(at, bytes.GetRange(at, Math.Min(bytes.Count - at, 1 + random.Next(16))));   // duplicated run
                break;
            case 7 when bytes.Count > 1:
                bytes[at] = (byte)random.Next(256);   // any byte, e.g. direction or opcode
                break;
            case 8:
                bytes.InsertRange(at, Noise(random, 32));
                break;
            default:
                if (bytes.Count > 0)
                {
                    bytes.RemoveAt(at);
                }

                break;
        }
    }

    private static void RemoveFirst(List<byte> bytes, byte value, int from)
    {
        int index = bytes.IndexOf(value, Math.Min(from, bytes.Count));
        if (index < 0)
        {
            index = bytes.IndexOf(value);
        }

        if (index >= 0)
        {
            bytes.RemoveAt(index);
        }
    }

    /// <summary>Splits <paramref name="bytes"/> into the pieces a serial read might return.</summary>
    public static List<ArraySegment<byte>> Chunks(Random random, byte[] bytes)
    {
        var chunks = new List<ArraySegment<byte>>();
        int at = 0;
        while (at < bytes.Length)
        {
            int n = Math.Min(bytes.Length - at, random.Next(4) == 0 ? 1 : 1 + random.Next(64));
            chunks.Add(new ArraySegment<byte>(bytes, at, n));
            at += n;
        }

        return chunks;
    }
}
