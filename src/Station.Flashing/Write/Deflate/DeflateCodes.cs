using System.Numerics;

namespace Station.Flashing.Write.Deflate;

/// <summary>The fixed tables of RFC 1951: length and distance slots, extra bits, the fixed Huffman code.</summary>
internal static class DeflateCodes
{
    public const int MinMatch = 3;
    public const int MaxMatch = 258;
    public const int MaxDistance = 32768;

    public const int EndOfBlock = 256;

    /// <summary>Lit/len symbols a block may use (286 and 287 are reserved).</summary>
    public const int LitLenSymbols = 286;

    /// <summary>Lit/len alphabet of the fixed code, reserved symbols included.</summary>
    public const int LitLenAlphabet = 288;

    public const int DistanceSymbols = 30;
    public const int CodeLengthSymbols = 19;
    public const int MaxCodeBits = 15;
    public const int MaxCodeLengthBits = 7;

    /// <summary>The order in which a dynamic header lists the code-length code's lengths.</summary>
    public static ReadOnlySpan<byte> CodeLengthOrder => [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

    public static ReadOnlySpan<ushort> LengthBase =>
        [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];

    public static ReadOnlySpan<byte> LengthExtraBits =>
        [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];

    public static ReadOnlySpan<ushort> DistanceBase =>
        [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];

    public static ReadOnlySpan<byte> DistanceExtraBits =>
        [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

    /// <summary>Length slot (0..28, lit/len symbol minus 257) of every match length 3..258.</summary>
    private static readonly byte[] LengthSlots = BuildLengthSlots();

    /// <summary>Lit/len symbol (257..285) of a match length.</summary>
    public static int LengthSymbol(int length) => 257 + LengthSlots[length];

    public static int LengthSlot(int length) => LengthSlots[length];

    /// <summary>Distance slot 0..29: two slots per power of two above 4.</summary>
    public static int DistanceSlot(int distance)
    {
        uint d = (uint)distance - 1;
        if (d < 4)
        {
            return (int)d;
        }

        int log = BitOperations.Log2(d);
        return (2 * log) + (int)((d >> (log - 1)) & 1);
    }

    /// <summary>Code length of a lit/len symbol in the fixed code (BTYPE 01).</summary>
    public static int FixedLitLenBits(int symbol) => symbol switch
    {
        < 144 => 8,
        < 256 => 9,
        < 280 => 7,
        _ => 8,
    };

    public const int FixedDistanceBits = 5;

    private static byte[] BuildLengthSlots()
    {
        var slots = new byte[MaxMatch + 1];
        for (int slot = 0; slot < LengthBase.Length; slot++)
        {
            int end = slot + 1 < LengthBase.Length ? LengthBase[slot + 1] : MaxMatch + 1;
            for (int length = LengthBase[slot]; length < end; length++)
            {
                slots[length] = (byte)slot;
            }
        }

        return slots;
    }
}
