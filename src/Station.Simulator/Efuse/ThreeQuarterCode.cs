using System.Numerics;

namespace Station.Simulator.Efuse;

/// <summary>
/// The ESP32's 3/4 coding of BLOCK1–3 (esp-idf-images-and-efuse.md §1.4): 24 data bytes in four
/// 6-byte units, each stored with two check bytes — XOR of the six, and Σ i·popcount(byte_i) for
/// i = 1..6. The hardware decodes on READ; a unit whose stored check bytes do not match its data
/// (typically because it was programmed twice with different data) is reported in DEC_STATUS.
/// </summary>
internal static class ThreeQuarterCode
{
    public const int UnitData = 6;
    public const int Units = 4;

    /// <summary>Decodes the 32 stored bytes into <paramref name="data"/>; returns a bit per unit whose check bytes fail.</summary>
    public static uint Decode(ReadOnlySpan<byte> stored, Span<byte> data)
    {
        uint bad = 0;
        for (int unit = 0; unit < Units; unit++)
        {
            ReadOnlySpan<byte> bytes = stored.Slice(unit * 8, UnitData);
            bytes.CopyTo(data[(unit * UnitData)..]);
            var (xor, weighted) = CheckBytes(bytes);
            if (stored[(unit * 8) + 6] != xor || stored[(unit * 8) + 7] != weighted)
            {
                bad |= 1u << unit;
            }
        }

        return bad;
    }

    private static (byte Xor, byte Weighted) CheckBytes(ReadOnlySpan<byte> unit)
    {
        byte xor = 0;
        int weighted = 0;
        for (int i = 0; i < unit.Length; i++)
        {
            xor ^= unit[i];
            weighted += (i + 1) * BitOperations.PopCount(unit[i]);
        }

        return (xor, (byte)weighted);
    }
}
