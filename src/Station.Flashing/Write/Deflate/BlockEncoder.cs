using System.Runtime.CompilerServices;

namespace Station.Flashing.Write.Deflate;

/// <summary>
/// Writes one block of the plan as whichever deflate block type is smallest for it: dynamic Huffman, fixed
/// Huffman, or stored (raw bytes, in pieces of at most 65535).
/// </summary>
internal static class BlockEncoder
{
    private const int MaxStored = 65535;

    private static readonly byte[] FixedLitLenLengths = BuildFixedLitLenLengths();
    private static readonly byte[] FixedDistanceLengths = Enumerable.Repeat((byte)DeflateCodes.FixedDistanceBits, 32).ToArray();

    public static void Write(BitWriter writer, ReadOnlySpan<byte> raw, ReadOnlySpan<uint> symbols, bool final)
    {
        var histogram = SymbolHistogram.Of(symbols);
        var dynamic = DynamicCode.Build(histogram);
        long fixedBits = FixedBits(histogram);
        long storedBits = StoredBits(writer.BitPosition, raw.Length);
        if (storedBits < dynamic.Bits && storedBits < fixedBits)
        {
            WriteStored(writer, raw, final);
        }
        else if (fixedBits < dynamic.Bits)
        {
            writer.WriteBits(final ? 1u : 0u, 1);
            writer.WriteBits(1, 2);
            WriteSymbols(writer, symbols, FixedLitLenLengths, FixedDistanceLengths);
        }
        else
        {
            writer.WriteBits(final ? 1u : 0u, 1);
            writer.WriteBits(2, 2);
            dynamic.Header.Write(writer);
            WriteSymbols(writer, symbols, dynamic.LitLenLengths, dynamic.DistanceLengths);
        }
    }

    /// <summary>Size of the block as a fixed-Huffman block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long FixedBits(SymbolHistogram histogram)
    {
        long bits = 3 + histogram.ExtraBits + FixedLitLenLengths[DeflateCodes.EndOfBlock];
        for (int s = 0; s < DeflateCodes.LitLenSymbols; s++)
        {
            if (s != DeflateCodes.EndOfBlock)
            {
                bits += (long)histogram.LitLen[s] * FixedLitLenLengths[s];
            }
        }

        for (int s = 0; s < DeflateCodes.DistanceSymbols; s++)
        {
            bits += (long)histogram.Distance[s] * DeflateCodes.FixedDistanceBits;
        }

        return bits;
    }

    /// <summary>Size of <paramref name="length"/> bytes as stored blocks when starting at bit <paramref name="position"/>.</summary>
    public static long StoredBits(long position, int length)
    {
        long bits = 0;
        int remaining = length;
        do
        {
            int piece = Math.Min(remaining, MaxStored);
            long headerEnd = position + bits + 3;
            long padding = (8 - (headerEnd & 7)) & 7;
            bits += 3 + padding + 32 + (8L * piece);
            remaining -= piece;
        }
        while (remaining > 0);
        return bits;
    }

    private static void WriteStored(BitWriter writer, ReadOnlySpan<byte> raw, bool final)
    {
        do
        {
            int piece = Math.Min(raw.Length, MaxStored);
            bool last = piece == raw.Length;
            writer.WriteBits(final && last ? 1u : 0u, 1);
            writer.WriteBits(0, 2);
            writer.AlignToByte();
            writer.WriteBits((uint)piece | ((uint)(piece ^ 0xFFFF) << 16), 32);
            writer.WriteBytes(raw[..piece]);
            raw = raw[piece..];
        }
        while (!raw.IsEmpty);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteSymbols(BitWriter writer, ReadOnlySpan<uint> symbols, byte[] litLenLengths, byte[] distanceLengths)
    {
        Span<ushort> litLenCodes = stackalloc ushort[litLenLengths.Length];
        Span<ushort> distanceCodes = stackalloc ushort[distanceLengths.Length];
        HuffmanLengths.Codes(litLenLengths, litLenCodes);
        HuffmanLengths.Codes(distanceLengths, distanceCodes);
        ReadOnlySpan<ushort> lengthBase = DeflateCodes.LengthBase;
        ReadOnlySpan<byte> lengthExtra = DeflateCodes.LengthExtraBits;
        ReadOnlySpan<ushort> distanceBase = DeflateCodes.DistanceBase;
        ReadOnlySpan<byte> distanceExtra = DeflateCodes.DistanceExtraBits;
        foreach (uint symbol in symbols)
        {
            if (!LzSymbol.IsMatch(symbol))
            {
                writer.WriteBits(litLenCodes[(int)symbol], litLenLengths[symbol]);
                continue;
            }

            int length = LzSymbol.Length(symbol);
            int distance = LzSymbol.Distance(symbol);
            int lengthSlot = DeflateCodes.LengthSlot(length);
            writer.WriteBits(litLenCodes[257 + lengthSlot], litLenLengths[257 + lengthSlot]);
            writer.WriteBits((uint)(length - lengthBase[lengthSlot]), lengthExtra[lengthSlot]);
            int distanceSlot = DeflateCodes.DistanceSlot(distance);
            writer.WriteBits(distanceCodes[distanceSlot], distanceLengths[distanceSlot]);
            writer.WriteBits((uint)(distance - distanceBase[distanceSlot]), distanceExtra[distanceSlot]);
        }

        writer.WriteBits(litLenCodes[DeflateCodes.EndOfBlock], litLenLengths[DeflateCodes.EndOfBlock]);
    }

    private static byte[] BuildFixedLitLenLengths()
    {
        var lengths = new byte[DeflateCodes.LitLenAlphabet];
        for (int s = 0; s < lengths.Length; s++)
        {
            lengths[s] = (byte)DeflateCodes.FixedLitLenBits(s);
        }

        return lengths;
    }
}
