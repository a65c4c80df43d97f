using System.Runtime.CompilerServices;

namespace Station.Flashing.Write.Deflate;

/// <summary>
/// What each choice of the parser costs in bits, extra bits included: per literal byte, per match length and
/// per distance slot. Costs come from the fixed code, or from symbol statistics: either as their entropy
/// (-log2 of the share, the code to come without its integer rounding) or as the lengths of the code built
/// from them.
/// </summary>
internal sealed class CostModel
{
    public float[] Literal { get; } = new float[256];

    /// <summary>Cost of a match length 0..258 (entries below 3 unused): lit/len code plus extra bits.</summary>
    public float[] Length { get; } = new float[DeflateCodes.MaxMatch + 1];

    /// <summary>Cost of a distance slot: distance code plus extra bits.</summary>
    public float[] DistanceSlot { get; } = new float[DeflateCodes.DistanceSymbols];

    /// <summary>Costs under the fixed Huffman code: a neutral start before any statistics exist.</summary>
    public static CostModel Fixed()
    {
        var model = new CostModel();
        for (int b = 0; b < 256; b++)
        {
            model.Literal[b] = DeflateCodes.FixedLitLenBits(b);
        }

        for (int length = DeflateCodes.MinMatch; length <= DeflateCodes.MaxMatch; length++)
        {
            int slot = DeflateCodes.LengthSlot(length);
            model.Length[length] = DeflateCodes.FixedLitLenBits(257 + slot) + DeflateCodes.LengthExtraBits[slot];
        }

        for (int slot = 0; slot < DeflateCodes.DistanceSymbols; slot++)
        {
            model.DistanceSlot[slot] = DeflateCodes.FixedDistanceBits + DeflateCodes.DistanceExtraBits[slot];
        }

        return model;
    }

    /// <summary>Entropy costs of <paramref name="histogram"/>; an unseen symbol costs as if seen once.</summary>
    public static CostModel FromHistogram(SymbolHistogram histogram)
    {
        var model = new CostModel();
        Span<float> litLen = stackalloc float[DeflateCodes.LitLenAlphabet];
        Span<float> distance = stackalloc float[DeflateCodes.DistanceSymbols];
        Entropy(histogram.LitLen, litLen);
        Entropy(histogram.Distance, distance);
        litLen[..256].CopyTo(model.Literal);
        for (int length = DeflateCodes.MinMatch; length <= DeflateCodes.MaxMatch; length++)
        {
            int slot = DeflateCodes.LengthSlot(length);
            model.Length[length] = litLen[257 + slot] + DeflateCodes.LengthExtraBits[slot];
        }

        for (int slot = 0; slot < DeflateCodes.DistanceSymbols; slot++)
        {
            model.DistanceSlot[slot] = distance[slot] + DeflateCodes.DistanceExtraBits[slot];
        }

        return model;
    }

    /// <summary>
    /// Costs as the code lengths <paramref name="code"/> actually assigns: the exact price of the next block if
    /// the parse keeps to these statistics. Unused symbols cost <paramref name="unused"/> bits.
    /// </summary>
    public static CostModel FromCode(DynamicCode code, float unused)
    {
        var model = new CostModel();
        for (int b = 0; b < 256; b++)
        {
            model.Literal[b] = Bits(code.LitLenLengths[b], unused);
        }

        for (int length = DeflateCodes.MinMatch; length <= DeflateCodes.MaxMatch; length++)
        {
            int slot = DeflateCodes.LengthSlot(length);
            model.Length[length] = Bits(code.LitLenLengths[257 + slot], unused) + DeflateCodes.LengthExtraBits[slot];
        }

        for (int slot = 0; slot < DeflateCodes.DistanceSymbols; slot++)
        {
            model.DistanceSlot[slot] = Bits(code.DistanceLengths[slot], unused) + DeflateCodes.DistanceExtraBits[slot];
        }

        return model;
    }

    private static float Bits(byte length, float unused) => length == 0 ? unused : length;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Entropy(ReadOnlySpan<int> counts, Span<float> bits)
    {
        long total = 0;
        foreach (int count in counts)
        {
            total += count;
        }

        double log2Total = Math.Log2(total == 0 ? counts.Length : total);
        for (int s = 0; s < counts.Length; s++)
        {
            bits[s] = counts[s] == 0 ? (float)log2Total : (float)Math.Max(0, log2Total - Math.Log2(counts[s]));
        }
    }
}
