using System.Runtime.CompilerServices;

namespace Station.Flashing.Write.Deflate;

/// <summary>
/// Optimal length-limited prefix codes: the code of least total cost whose lengths do not exceed the limit,
/// complete (Kraft sum exactly 1) whenever two or more symbols are used. Plain Huffman when it fits the limit,
/// package-merge (coin collector) when it does not.
/// </summary>
internal static class HuffmanLengths
{
    /// <summary>Symbol indices fit below this bit, under the frequency, in one sortable key.</summary>
    private const int SymbolBits = 20;

    /// <summary>
    /// Fills <paramref name="lengths"/> with code lengths for <paramref name="frequencies"/>: 0 for unused symbols,
    /// 1 for a lone used symbol, otherwise at most <paramref name="maxBits"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Build(ReadOnlySpan<int> frequencies, int maxBits, Span<byte> lengths)
    {
        lengths[..frequencies.Length].Clear();

        // Used symbols by frequency, ties by symbol: (frequency, symbol) packed in one key keeps this deterministic.
        Span<long> leaves = frequencies.Length <= 512 ? stackalloc long[frequencies.Length] : new long[frequencies.Length];
        int n = 0;
        for (int s = 0; s < frequencies.Length; s++)
        {
            if (frequencies[s] > 0)
            {
                leaves[n++] = ((long)frequencies[s] << SymbolBits) | (long)s;
            }
        }

        leaves = leaves[..n];
        if (n == 0)
        {
            return;
        }

        if (n == 1)
        {
            lengths[Symbol(leaves[0])] = 1;
            return;
        }

        if (n > 1 << maxBits)
        {
            throw new ArgumentException($"{n} symbols do not fit in codes of {maxBits} bits.", nameof(frequencies));
        }

        leaves.Sort();
        if (!TryUnlimited(leaves, maxBits, lengths))
        {
            PackageMerge(leaves, maxBits, lengths);
        }
    }

    private static int Symbol(long leaf) => (int)(leaf & ((1L << SymbolBits) - 1));

    private static long Weight(long leaf) => leaf >> SymbolBits;

    /// <summary>
    /// Plain Huffman by the two-queue method (leaves sorted, merged nodes appear in order); the usual case, as the
    /// limit rarely binds. Returns false, leaving <paramref name="lengths"/> untouched, when a code would be too long.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryUnlimited(ReadOnlySpan<long> leaves, int maxBits, Span<byte> lengths)
    {
        int n = leaves.Length;
        Span<long> merged = n <= 512 ? stackalloc long[n - 1] : new long[n - 1];
        Span<int> parent = n <= 512 ? stackalloc int[(2 * n) - 1] : new int[(2 * n) - 1];
        int leaf = 0;
        int next = 0;
        for (int created = 0; created < n - 1; created++)
        {
            long weight = 0;
            for (int pick = 0; pick < 2; pick++)
            {
                if (leaf < n && (next == created || Weight(leaves[leaf]) <= merged[next]))
                {
                    weight += Weight(leaves[leaf]);
                    parent[leaf++] = n + created;
                }
                else
                {
                    weight += merged[next];
                    parent[n + next++] = n + created;
                }
            }

            merged[created] = weight;
        }

        // Nodes were created after their children, so depths fill in from the root (the last node) down.
        Span<int> depth = n <= 512 ? stackalloc int[(2 * n) - 1] : new int[(2 * n) - 1];
        depth[(2 * n) - 2] = 0;
        for (int node = (2 * n) - 3; node >= 0; node--)
        {
            depth[node] = depth[parent[node]] + 1;
            if (depth[node] > maxBits)
            {
                return false;
            }
        }

        for (int i = 0; i < n; i++)
        {
            lengths[Symbol(leaves[i])] = (byte)depth[i];
        }

        return true;
    }

    /// <summary>Package-merge for sorted <paramref name="leaves"/> when plain Huffman exceeds <paramref name="maxBits"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackageMerge(ReadOnlySpan<long> leaves, int maxBits, Span<byte> lengths)
    {
        int n = leaves.Length;

        // Only the first 2n - 2 items of any level can ever be chosen.
        int keep = (2 * n) - 2;
        bool small = keep * (maxBits + 1) <= 16384;
        Span<bool> isLeaf = small ? stackalloc bool[keep * (maxBits + 1)] : new bool[keep * (maxBits + 1)];
        Span<long> below = small ? stackalloc long[keep] : new long[keep];
        Span<long> level = small ? stackalloc long[keep] : new long[keep];

        // Deepest level: the leaves alone. Each shallower level merges the leaves with pairs of the level below.
        int belowCount = Math.Min(n, keep);
        for (int i = 0; i < belowCount; i++)
        {
            below[i] = Weight(leaves[i]);
            isLeaf[(maxBits * keep) + i] = true;
        }

        for (int depth = maxBits - 1; depth >= 1; depth--)
        {
            int packages = belowCount / 2;
            int size = Math.Min(keep, n + packages);
            Span<bool> flags = isLeaf.Slice(depth * keep, keep);
            int li = 0;
            int pi = 0;
            for (int k = 0; k < size; k++)
            {
                long packageWeight = pi < packages ? below[2 * pi] + below[(2 * pi) + 1] : long.MaxValue;
                if (li < n && Weight(leaves[li]) <= packageWeight)
                {
                    level[k] = Weight(leaves[li++]);
                    flags[k] = true;
                }
                else
                {
                    level[k] = packageWeight;
                    pi++;
                }
            }

            Span<long> swap = below;
            below = level;
            level = swap;
            belowCount = size;
        }

        // Take the cheapest 2n - 2 items at the top; every leaf inside a chosen item gets one bit longer.
        int take = keep;
        for (int depth = 1; depth <= maxBits && take > 0; depth++)
        {
            Span<bool> flags = isLeaf.Slice(depth * keep, take);
            int leavesTaken = 0;
            foreach (bool flag in flags)
            {
                if (flag)
                {
                    leavesTaken++;
                }
            }

            for (int i = 0; i < leavesTaken; i++)
            {
                lengths[Symbol(leaves[i])]++;
            }

            take = 2 * (take - leavesTaken);
        }
    }

    /// <summary>Canonical codes for <paramref name="lengths"/>, bit-reversed because deflate sends codes most significant bit first into an LSB-first stream.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Codes(ReadOnlySpan<byte> lengths, Span<ushort> codes)
    {
        Span<int> count = stackalloc int[DeflateCodes.MaxCodeBits + 2];
        foreach (byte length in lengths)
        {
            count[length]++;
        }

        count[0] = 0;
        Span<int> next = stackalloc int[DeflateCodes.MaxCodeBits + 2];
        int code = 0;
        for (int bits = 1; bits <= DeflateCodes.MaxCodeBits + 1; bits++)
        {
            code = (code + count[bits - 1]) << 1;
            next[bits] = code;
        }

        for (int s = 0; s < lengths.Length; s++)
        {
            int length = lengths[s];
            codes[s] = length == 0 ? (ushort)0 : Reverse(next[length]++, length);
        }
    }

    private static ushort Reverse(int code, int length)
    {
        int reversed = 0;
        for (int i = 0; i < length; i++)
        {
            reversed = (reversed << 1) | ((code >> i) & 1);
        }

        return (ushort)reversed;
    }

    /// <summary>
    /// Gives unused symbols a frequency of 1 until at least two are used: a code of one symbol is incomplete, which
    /// zlib rejects for the code-length code, so like zlib's own encoder every code gets two or more symbols.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Span<int> AtLeastTwoUsed(Span<int> frequencies)
    {
        int used = 0;
        foreach (int f in frequencies)
        {
            if (f > 0)
            {
                used++;
            }
        }

        for (int s = 0; s < frequencies.Length && used < 2; s++)
        {
            if (frequencies[s] == 0)
            {
                frequencies[s] = 1;
                used++;
            }
        }

        return frequencies;
    }
}
