using System.Numerics;
using System.Runtime.CompilerServices;

namespace Station.Flashing.Write.Deflate;

/// <summary>
/// Binary-tree match finder (one tree of earlier positions per 3-byte hash, newest at the root, ordered by the
/// bytes that follow). Walking a tree towards the current string meets candidates nearest first and yields,
/// for every match length, the nearest distance achieving it: exactly what the optimal parser wants.
/// The walk re-roots the tree at the current position, so runs and repeats cost O(1) tree steps each.
/// </summary>
internal sealed class MatchFinder
{
    private const int HashBits = 16;
    private const int NoNode = -1;

    /// <summary>Matches kept per position at most: bounds memory; real data rarely has more than a handful.</summary>
    private const int MaxMatchesPerPosition = 16;

    private readonly byte[] _data;
    private readonly int _base;
    private readonly int[] _head = new int[1 << HashBits];
    private readonly int[] _children;
    private readonly int _maxDepth;

    /// <param name="data">The whole input.</param>
    /// <param name="windowStart">First byte the finder may refer back to (up to 32 KiB before the segment).</param>
    /// <param name="end">End of the segment.</param>
    /// <param name="maxDepth">Tree nodes visited per position at most: bounds the worst case.</param>
    private MatchFinder(byte[] data, int windowStart, int end, int maxDepth)
    {
        _data = data;
        _base = windowStart;
        _children = new int[2 * (end - windowStart)];
        _head.AsSpan().Fill(NoNode);
        _maxDepth = maxDepth;
    }

    /// <summary>
    /// Finds the matches at every position of [<paramref name="start"/>, <paramref name="end"/>) of
    /// <paramref name="data"/>, referring back at most 32 KiB (into the bytes before <paramref name="start"/> too).
    /// Inside a match of <paramref name="niceLength"/> or more no matches are recorded: only runs and long repeats
    /// produce such matches, and following them is what any parser would do.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static MatchTable Find(byte[] data, int start, int end, int maxDepth, int niceLength, CancellationToken cancellationToken)
    {
        int windowStart = Math.Max(0, start - DeflateCodes.MaxDistance);
        var finder = new MatchFinder(data, windowStart, end, maxDepth);
        var table = new MatchTable(end - start);
        for (int p = windowStart; p < start; p++)
        {
            finder.Insert(p - windowStart, end - windowStart, niceLength, null);
        }

        int skipUntil = start;
        for (int p = start; p < end; p++)
        {
            if ((p & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            table.BeginPosition();
            int longest = finder.Insert(p - windowStart, end - windowStart, niceLength, p >= skipUntil ? table : null);
            if (p >= skipUntil && longest >= niceLength)
            {
                skipUntil = p + longest;
            }
        }

        table.Complete();
        return table;
    }

    /// <summary>
    /// Adds position <paramref name="pos"/> (relative to the window) to its tree and returns the longest match
    /// length found (2 if none), recording each improvement into <paramref name="record"/> when given.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Insert(int pos, int end, int niceLength, MatchTable? record)
    {
        int maxLength = Math.Min(DeflateCodes.MaxMatch, end - pos);
        if (maxLength < DeflateCodes.MinMatch)
        {
            return 0;
        }

        int nice = Math.Min(niceLength, maxLength);
        byte[] data = _data;
        int at = _base + pos;
        int[] children = _children;
        uint hash = ((uint)(data[at] | (data[at + 1] << 8) | (data[at + 2] << 16)) * 0x1E35A7BDu) >> (32 - HashBits);
        int node = _head[hash];
        _head[hash] = pos;

        // Slots still waiting for the next node smaller (lt) or larger (gt) than the current string.
        int ltSlot = 2 * pos;
        int gtSlot = (2 * pos) + 1;
        int oldest = Math.Max(0, pos - DeflateCodes.MaxDistance);
        int best = DeflateCodes.MinMatch - 1;
        if (node < oldest)
        {
            children[ltSlot] = NoNode;
            children[gtSlot] = NoNode;
            return best;
        }

        int ltLength = 0;
        int gtLength = 0;
        int depth = _maxDepth;
        while (true)
        {
            // Both bounding subtrees share this many leading bytes with the current string.
            int length = Math.Min(ltLength, gtLength);
            int candidate = _base + node;
            if (data[candidate + length] == data[at + length])
            {
                length = Extend(data, candidate, at, length + 1, maxLength);
                if (length > best)
                {
                    best = length;
                    record?.Add(length, pos - node, MaxMatchesPerPosition);
                    if (length >= nice)
                    {
                        // Equal as far as we look: the current position takes the candidate's place in the tree.
                        children[ltSlot] = children[2 * node];
                        children[gtSlot] = children[(2 * node) + 1];
                        return best;
                    }
                }
            }

            if (data[candidate + length] < data[at + length])
            {
                children[ltSlot] = node;
                ltSlot = (2 * node) + 1;
                node = children[ltSlot];
                ltLength = length;
            }
            else
            {
                children[gtSlot] = node;
                gtSlot = 2 * node;
                node = children[gtSlot];
                gtLength = length;
            }

            if (node < oldest || --depth == 0)
            {
                children[ltSlot] = NoNode;
                children[gtSlot] = NoNode;
                return best;
            }
        }
    }

    /// <summary>Length of the common prefix of the strings at <paramref name="a"/> and <paramref name="b"/>, known to be at least <paramref name="length"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Extend(byte[] data, int a, int b, int length, int max)
    {
        while (length + 8 <= max)
        {
            ulong x = Unsafe.ReadUnaligned<ulong>(ref data[a + length]) ^ Unsafe.ReadUnaligned<ulong>(ref data[b + length]);
            if (x != 0)
            {
                if (!BitConverter.IsLittleEndian)
                {
                    x = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(x);
                }

                return length + (BitOperations.TrailingZeroCount(x) >> 3);
            }

            length += 8;
        }

        while (length < max && data[a + length] == data[b + length])
        {
            length++;
        }

        return length;
    }
}
