using System.Runtime.CompilerServices;

namespace Station.Flashing.Write.Deflate;

/// <summary>
/// The header of a dynamic block: the lit/len and distance code lengths as one run-length coded sequence
/// (16 repeats the previous length 3–6 times, 17 and 18 repeat zero 3–10 and 11–138 times), itself Huffman coded.
/// Which repeat codes pay off depends on the block, so all eight combinations are tried and the shortest kept.
/// </summary>
internal sealed class CodeLengthHeader
{
    private const int MaxTokens = DeflateCodes.LitLenSymbols + DeflateCodes.DistanceSymbols;

    private readonly byte[] _tokens;
    private readonly byte[] _extra;
    private readonly byte[] _lengths;
    private readonly ushort[] _codes = new ushort[DeflateCodes.CodeLengthSymbols];

    private CodeLengthHeader(int litLenCount, int distanceCount, int codeLengthCount, byte[] tokens, byte[] extra, byte[] lengths, long bits)
    {
        LitLenCount = litLenCount;
        DistanceCount = distanceCount;
        CodeLengthCount = codeLengthCount;
        _tokens = tokens;
        _extra = extra;
        _lengths = lengths;
        Bits = bits;
        HuffmanLengths.Codes(lengths, _codes);
    }

    /// <summary>HLIT + 257: lit/len lengths sent.</summary>
    public int LitLenCount { get; }

    /// <summary>HDIST + 1: distance lengths sent.</summary>
    public int DistanceCount { get; }

    /// <summary>HCLEN + 4: code-length code lengths sent.</summary>
    public int CodeLengthCount { get; }

    /// <summary>Size of the header after BFINAL and BTYPE.</summary>
    public long Bits { get; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static CodeLengthHeader Build(ReadOnlySpan<byte> litLenLengths, ReadOnlySpan<byte> distanceLengths)
    {
        int litLenCount = LastUsed(litLenLengths[..DeflateCodes.LitLenSymbols], 257);
        int distanceCount = LastUsed(distanceLengths[..DeflateCodes.DistanceSymbols], 1);
        Span<byte> sequence = stackalloc byte[litLenCount + distanceCount];
        litLenLengths[..litLenCount].CopyTo(sequence);
        distanceLengths[..distanceCount].CopyTo(sequence[litLenCount..]);

        Span<byte> tokens = stackalloc byte[MaxTokens];
        Span<byte> extra = stackalloc byte[MaxTokens];
        Span<byte> lengths = stackalloc byte[DeflateCodes.CodeLengthSymbols];
        long bestBits = long.MaxValue;
        int bestVariant = 0;
        for (int variant = 0; variant < 8; variant++)
        {
            int count = RunLength(sequence, variant, tokens, extra);
            long bits = Measure(tokens[..count], lengths, out _);
            if (bits < bestBits)
            {
                bestBits = bits;
                bestVariant = variant;
            }
        }

        int tokenCount = RunLength(sequence, bestVariant, tokens, extra);
        bestBits = Measure(tokens[..tokenCount], lengths, out int codeLengthCount);
        return new CodeLengthHeader(litLenCount, distanceCount, codeLengthCount, tokens[..tokenCount].ToArray(), extra[..tokenCount].ToArray(), lengths.ToArray(), bestBits);
    }

    public void Write(BitWriter writer)
    {
        writer.WriteBits((uint)(LitLenCount - 257), 5);
        writer.WriteBits((uint)(DistanceCount - 1), 5);
        writer.WriteBits((uint)(CodeLengthCount - 4), 4);
        ReadOnlySpan<byte> order = DeflateCodes.CodeLengthOrder;
        for (int i = 0; i < CodeLengthCount; i++)
        {
            writer.WriteBits(_lengths[order[i]], 3);
        }

        for (int i = 0; i < _tokens.Length; i++)
        {
            int token = _tokens[i];
            writer.WriteBits(_codes[token], _lengths[token]);
            int extraBits = ExtraBits(token);
            if (extraBits > 0)
            {
                writer.WriteBits(_extra[i], extraBits);
            }
        }
    }

    private static int LastUsed(ReadOnlySpan<byte> lengths, int minimum)
    {
        int count = lengths.Length;
        while (count > minimum && lengths[count - 1] == 0)
        {
            count--;
        }

        return count;
    }

    private static int ExtraBits(int token) => token switch
    {
        16 => 2,
        17 => 3,
        18 => 7,
        _ => 0,
    };

    /// <summary>
    /// Run-length codes <paramref name="sequence"/>; bits 0, 1 and 2 of <paramref name="variant"/> allow codes
    /// 16, 17 and 18. Code 16 only ever follows a literal of the same length, which every inflater accepts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int RunLength(ReadOnlySpan<byte> sequence, int variant, Span<byte> tokens, Span<byte> extra)
    {
        bool use16 = (variant & 1) != 0;
        bool use17 = (variant & 2) != 0;
        bool use18 = (variant & 4) != 0;
        int count = 0;
        int i = 0;
        while (i < sequence.Length)
        {
            byte value = sequence[i];
            int run = 1;
            while (i + run < sequence.Length && sequence[i + run] == value)
            {
                run++;
            }

            i += run;
            if (value == 0)
            {
                while (run >= 3)
                {
                    if (use18 && run >= 11)
                    {
                        int n = Math.Min(run, 138);
                        Add(tokens, extra, ref count, 18, n - 11);
                        run -= n;
                    }
                    else if (use17)
                    {
                        int n = Math.Min(run, 10);
                        Add(tokens, extra, ref count, 17, n - 3);
                        run -= n;
                    }
                    else
                    {
                        break;
                    }
                }
            }

            if (run == 0)
            {
                continue;
            }

            Add(tokens, extra, ref count, value, 0);
            run--;
            while (use16 && run >= 3)
            {
                int n = Math.Min(run, 6);
                Add(tokens, extra, ref count, 16, n - 3);
                run -= n;
            }

            for (; run > 0; run--)
            {
                Add(tokens, extra, ref count, value, 0);
            }
        }

        return count;
    }

    private static void Add(Span<byte> tokens, Span<byte> extra, ref int count, int token, int value)
    {
        tokens[count] = (byte)token;
        extra[count] = (byte)value;
        count++;
    }

    /// <summary>Builds the code-length code for <paramref name="tokens"/> into <paramref name="lengths"/> and returns the header's bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Measure(ReadOnlySpan<byte> tokens, Span<byte> lengths, out int codeLengthCount)
    {
        Span<int> frequencies = stackalloc int[DeflateCodes.CodeLengthSymbols];
        foreach (byte token in tokens)
        {
            frequencies[token]++;
        }

        long extraBits = (2L * frequencies[16]) + (3L * frequencies[17]) + (7L * frequencies[18]);
        HuffmanLengths.Build(HuffmanLengths.AtLeastTwoUsed(frequencies), DeflateCodes.MaxCodeLengthBits, lengths);
        ReadOnlySpan<byte> order = DeflateCodes.CodeLengthOrder;
        codeLengthCount = DeflateCodes.CodeLengthSymbols;
        while (codeLengthCount > 4 && lengths[order[codeLengthCount - 1]] == 0)
        {
            codeLengthCount--;
        }

        long bits = 5 + 5 + 4 + (3L * codeLengthCount) + extraBits;
        for (int s = 0; s < DeflateCodes.CodeLengthSymbols; s++)
        {
            bits += (long)frequencies[s] * lengths[s];
        }

        return bits;
    }
}
