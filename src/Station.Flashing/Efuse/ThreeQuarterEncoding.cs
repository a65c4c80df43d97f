using System.Numerics;

namespace Station.Flashing.Efuse;

/// <summary>
/// 3/4 coding of one 6-byte unit (§1.4, espefuse <c>apply_coding_scheme</c>): the six bytes, their XOR,
/// and Σ i·popcount(byte_i) for i = 1..6. The controller checks these when it reads the block back.
/// </summary>
internal static class ThreeQuarterEncoding
{
    public const int UnitBytes = 6;
    public const int Units = 4;

    public static void EncodeUnit(ReadOnlySpan<byte> unit, Span<byte> stored)
    {
        unit.CopyTo(stored);
        byte xor = 0;
        int weighted = 0;
        for (int i = 0; i < UnitBytes; i++)
        {
            xor ^= unit[i];
            weighted += (i + 1) * BitOperations.PopCount(unit[i]);
        }

        stored[6] = xor;
        stored[7] = (byte)weighted;
    }
}
