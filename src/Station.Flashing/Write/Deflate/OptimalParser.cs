using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Station.Flashing.Write.Deflate;

/// <summary>
/// Cheapest parse of a range under a <see cref="CostModel"/>: a shortest path over positions where every edge is
/// a literal or a match (any length up to the longest one found, at the nearest distance offering it). Computed
/// backwards (cost from each position to the end), so the best path is read off forwards. Not thread-safe: it
/// keeps its working arrays between parses.
/// </summary>
internal sealed class OptimalParser
{
    private readonly byte[] _data;
    private readonly int _start;
    private readonly MatchTable _matches;
    private double[] _costToEnd = [];
    private uint[] _choice = [];

    /// <param name="data">The whole input.</param>
    /// <param name="start">Where the segment that <paramref name="matches"/> describes begins in <paramref name="data"/>.</param>
    public OptimalParser(byte[] data, int start, MatchTable matches)
    {
        _data = data;
        _start = start;
        _matches = matches;
    }

    /// <summary>The cheapest symbols for segment range [<paramref name="from"/>, <paramref name="to"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public uint[] Parse(int from, int to, CostModel model)
    {
        // The loops below skip bounds checks; these bounds make that safe.
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfLessThan(to, from);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(to, _matches.Positions);
        int n = to - from;
        if (_choice.Length < n)
        {
            _costToEnd = new double[n + 1];
            _choice = new uint[n];
        }

        ReadOnlySpan<byte> bytes = _data.AsSpan(_start + from, n);
        Span<uint> choice = _choice.AsSpan(0, n);

        // Lengths are at most the room left (cost index ≤ n) and at most 258 (length costs have 259 entries).
        ref double cost = ref MemoryMarshal.GetArrayDataReference(_costToEnd);
        ref float lengthCost = ref MemoryMarshal.GetArrayDataReference(model.Length);
        ReadOnlySpan<float> literal = model.Literal;
        ReadOnlySpan<float> distanceCost = model.DistanceSlot;
        Unsafe.Add(ref cost, n) = 0;
        for (int i = n - 1; i >= 0; i--)
        {
            ref double here = ref Unsafe.Add(ref cost, i);
            double best = Unsafe.Add(ref here, 1) + literal[bytes[i]];
            uint bestChoice = bytes[i];
            int room = n - i;
            int shorter = DeflateCodes.MinMatch - 1;
            foreach (uint entry in _matches.At(from + i))
            {
                int longest = Math.Min(MatchTable.Length(entry), room);
                int distance = MatchTable.Distance(entry);
                float forDistance = distanceCost[DeflateCodes.DistanceSlot(distance)];
                for (int length = shorter + 1; length <= longest; length++)
                {
                    double c = Unsafe.Add(ref here, length) + (Unsafe.Add(ref lengthCost, length) + forDistance);
                    if (c < best)
                    {
                        best = c;
                        bestChoice = LzSymbol.Match(length, distance);
                    }
                }

                if (longest == room)
                {
                    break;
                }

                shorter = longest;
            }

            here = best;
            choice[i] = bestChoice;
        }

        int count = 0;
        for (int i = 0; i < n; i += LzSymbol.Span(choice[i]))
        {
            count++;
        }

        var symbols = new uint[count];
        count = 0;
        for (int i = 0; i < n; i += LzSymbol.Span(choice[i]))
        {
            symbols[count++] = choice[i];
        }

        return symbols;
    }
}
