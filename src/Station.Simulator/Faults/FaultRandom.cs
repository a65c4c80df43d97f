namespace Station.Simulator.Faults;

/// <summary>SplitMix64: small, fast, and the same numbers on every platform and .NET version (unlike <see cref="Random"/> with a seed).</summary>
internal sealed class FaultRandom(ulong state)
{
    private ulong _state = state;

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64() => Mix(_state += 0x9E37_79B9_7F4A_7C15UL);

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="max"/>).</summary>
    public int Next(int max) => (int)(NextUInt64() % (ulong)max);

    /// <summary>
    /// How many bytes pass before the next one is hit when each is hit with probability <paramref name="rate"/>
    /// (geometric), so tiny rates cost one draw per hit rather than one per byte.
    /// </summary>
    public long Gap(double rate)
    {
        if (rate >= 1)
        {
            return 0;
        }

        double gap = Math.Floor(Math.Log(1 - NextDouble()) / Math.Log(1 - rate));
        return gap >= long.MaxValue / 2 ? long.MaxValue / 2 : (long)gap;
    }
}
