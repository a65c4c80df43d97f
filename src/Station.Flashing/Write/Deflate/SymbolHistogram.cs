using System.Runtime.CompilerServices;

namespace Station.Flashing.Write.Deflate;

/// <summary>How often each lit/len and distance symbol occurs in a run of LZ77 symbols (end-of-block included).</summary>
internal sealed class SymbolHistogram
{
    public int[] LitLen { get; } = new int[DeflateCodes.LitLenAlphabet];

    public int[] Distance { get; } = new int[DeflateCodes.DistanceSymbols];

    /// <summary>Extra bits the counted symbols carry besides their codes.</summary>
    public long ExtraBits
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get
        {
            long bits = 0;
            for (int slot = 0; slot < DeflateCodes.LengthExtraBits.Length; slot++)
            {
                bits += (long)LitLen[257 + slot] * DeflateCodes.LengthExtraBits[slot];
            }

            for (int slot = 0; slot < DeflateCodes.DistanceSymbols; slot++)
            {
                bits += (long)Distance[slot] * DeflateCodes.DistanceExtraBits[slot];
            }

            return bits;
        }
    }

    /// <summary>The histogram of a block made of <paramref name="symbols"/>.</summary>
    public static SymbolHistogram Of(ReadOnlySpan<uint> symbols)
    {
        var histogram = new SymbolHistogram();
        histogram.Add(symbols, 1);
        histogram.LitLen[DeflateCodes.EndOfBlock] = 1;
        return histogram;
    }

    /// <summary>The histogram of two blocks joined into one.</summary>
    public static SymbolHistogram Sum(SymbolHistogram a, SymbolHistogram b)
    {
        var sum = new SymbolHistogram();
        for (int s = 0; s < sum.LitLen.Length; s++)
        {
            sum.LitLen[s] = a.LitLen[s] + b.LitLen[s];
        }

        for (int s = 0; s < sum.Distance.Length; s++)
        {
            sum.Distance[s] = a.Distance[s] + b.Distance[s];
        }

        sum.LitLen[DeflateCodes.EndOfBlock] = 1;
        return sum;
    }

    /// <summary>Counts <paramref name="symbols"/> in (<paramref name="sign"/> 1) or out (-1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<uint> symbols, int sign)
    {
        int[] litLen = LitLen;
        int[] distance = Distance;
        foreach (uint symbol in symbols)
        {
            if (LzSymbol.IsMatch(symbol))
            {
                litLen[DeflateCodes.LengthSymbol(LzSymbol.Length(symbol))] += sign;
                distance[DeflateCodes.DistanceSlot(LzSymbol.Distance(symbol))] += sign;
            }
            else
            {
                litLen[symbol] += sign;
            }
        }
    }
}
