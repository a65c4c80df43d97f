using System.Runtime.CompilerServices;

namespace Station.Flashing.Write.Deflate;

/// <summary>The zlib trailer checksum (RFC 1950).</summary>
internal static class Adler32
{
    private const uint Modulus = 65521;

    /// <summary>Bytes that can be summed before the sums could overflow 32 bits.</summary>
    private const int Chunk = 5552;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint a = 1;
        uint b = 0;
        while (!data.IsEmpty)
        {
            int n = Math.Min(Chunk, data.Length);
            foreach (byte value in data[..n])
            {
                a += value;
                b += a;
            }

            a %= Modulus;
            b %= Modulus;
            data = data[n..];
        }

        return (b << 16) | a;
    }
}
