namespace Station.Simulator.Wire;

/// <summary>
/// What a UART makes of bytes sent at the wrong rate: deterministic garbage from a seeded
/// generator. The length scales with the rate ratio (a faster receiver samples more characters).
/// </summary>
internal sealed class LineNoise
{
    private ulong _state;

    public LineNoise(ulong seed)
    {
        _state = seed ^ 0x9E37_79B9_7F4A_7C15UL;
    }

    /// <param name="bytes">What was sent.</param>
    /// <param name="receiverPerSender">Receiver baud divided by sender baud.</param>
    /// <param name="avoidFrameEnd">Never produce 0xC0 (used for boot text, which must not look like SLIP).</param>
    public byte[] Garble(ReadOnlySpan<byte> bytes, double receiverPerSender, bool avoidFrameEnd)
    {
        int length = Math.Max(1, (int)Math.Round(bytes.Length * receiverPerSender));
        var garbage = new byte[length];
        for (int i = 0; i < length; i++)
        {
            byte source = bytes[Math.Min(bytes.Length - 1, (int)(i / receiverPerSender))];
            byte b = (byte)(Next() ^ source);
            if (avoidFrameEnd && b == 0xC0)
            {
                b = 0xE0;
            }

            garbage[i] = b;
        }

        return garbage;
    }

    private byte Next()
    {
        // SplitMix64: small, fast and good enough for line noise.
        ulong z = _state += 0x9E37_79B9_7F4A_7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return (byte)(z ^ (z >> 31));
    }

    /// <summary>True when a receiver at <paramref name="receiverBaud"/> cannot read a sender at <paramref name="senderBaud"/>.</summary>
    public static bool Mismatched(int senderBaud, int receiverBaud) =>
        Math.Abs(receiverBaud - senderBaud) > 0.03 * senderBaud;
}
