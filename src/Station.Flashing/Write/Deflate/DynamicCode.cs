using System.Runtime.CompilerServices;

namespace Station.Flashing.Write.Deflate;

/// <summary>The Huffman codes of a dynamic block (BTYPE 10) for given symbol statistics, with its exact size.</summary>
internal sealed class DynamicCode
{
    private DynamicCode(byte[] litLenLengths, byte[] distanceLengths, CodeLengthHeader header, long bits)
    {
        LitLenLengths = litLenLengths;
        DistanceLengths = distanceLengths;
        Header = header;
        Bits = bits;
    }

    public byte[] LitLenLengths { get; }

    public byte[] DistanceLengths { get; }

    public CodeLengthHeader Header { get; }

    /// <summary>Size of the whole block: BFINAL and BTYPE, header, symbols with extra bits, end of block.</summary>
    public long Bits { get; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static DynamicCode Build(SymbolHistogram histogram)
    {
        Span<int> litLen = stackalloc int[DeflateCodes.LitLenSymbols];
        histogram.LitLen.AsSpan(0, DeflateCodes.LitLenSymbols).CopyTo(litLen);
        litLen[DeflateCodes.EndOfBlock] = Math.Max(1, litLen[DeflateCodes.EndOfBlock]);
        Span<int> distance = stackalloc int[DeflateCodes.DistanceSymbols];
        histogram.Distance.CopyTo(distance);

        // At least two codes in each, as zlib's own encoder does: some inflaters reject a one-code (incomplete) tree.
        var litLenLengths = new byte[DeflateCodes.LitLenAlphabet];
        var distanceLengths = new byte[DeflateCodes.DistanceSymbols];
        HuffmanLengths.Build(HuffmanLengths.AtLeastTwoUsed(litLen), DeflateCodes.MaxCodeBits, litLenLengths);
        HuffmanLengths.Build(HuffmanLengths.AtLeastTwoUsed(distance), DeflateCodes.MaxCodeBits, distanceLengths);
        var header = CodeLengthHeader.Build(litLenLengths, distanceLengths);

        long bits = 3 + header.Bits + histogram.ExtraBits + litLenLengths[DeflateCodes.EndOfBlock];
        for (int s = 0; s < DeflateCodes.LitLenSymbols; s++)
        {
            if (s != DeflateCodes.EndOfBlock)
            {
                bits += (long)histogram.LitLen[s] * litLenLengths[s];
            }
        }

        for (int s = 0; s < DeflateCodes.DistanceSymbols; s++)
        {
            bits += (long)histogram.Distance[s] * distanceLengths[s];
        }

        return new DynamicCode(litLenLengths, distanceLengths, header, bits);
    }
}
