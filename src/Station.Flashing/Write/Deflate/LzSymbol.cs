namespace Station.Flashing.Write.Deflate;

/// <summary>
/// One LZ77 symbol packed in a <see cref="uint"/>: a literal is its byte value (below 256), a match is
/// <c>distance &lt;&lt; 9 | length</c> (distance ≥ 1, so every match is 512 or more). Four bytes a symbol keeps
/// parses of whole images small.
/// </summary>
internal static class LzSymbol
{
    private const int LengthBits = 9;
    private const uint LengthMask = (1u << LengthBits) - 1;

    public static uint Literal(byte value) => value;

    public static uint Match(int length, int distance) => ((uint)distance << LengthBits) | (uint)length;

    public static bool IsMatch(uint symbol) => symbol > LengthMask;

    /// <summary>Bytes of input the symbol stands for.</summary>
    public static int Span(uint symbol) => IsMatch(symbol) ? Length(symbol) : 1;

    public static int Length(uint symbol) => (int)(symbol & LengthMask);

    public static int Distance(uint symbol) => (int)(symbol >> LengthBits);
}
