namespace Station.Simulator.Faults;

/// <summary>
/// Which bytes of an endless stream a per-byte rate hits, deterministically: the stream's index of the
/// next hit is drawn as a geometric gap, so the hits depend only on the seed and the byte index, never
/// on how the bytes were chunked.
/// </summary>
internal sealed class ByteHits
{
    private readonly FaultRandom _random;
    private readonly double _rate;
    private long _next;

    public ByteHits(double rate, FaultRandom random)
    {
        _rate = rate;
        _random = random;
        _next = rate > 0 ? random.Gap(rate) : long.MaxValue;
    }

    /// <summary>The random stream, for details of a hit (which bit).</summary>
    public FaultRandom Random => _random;

    /// <summary>True when byte <paramref name="index"/> is hit; indices must be asked in increasing order.</summary>
    public bool Hits(long index)
    {
        if (index < _next)
        {
            return false;
        }

        _next = index + 1 + _random.Gap(_rate);
        return true;
    }
}
