using System.IO.Compression;

namespace Station.Simulator.Tests.Support;

internal static class Images
{
    /// <summary>Deterministic, partly compressible test data.</summary>
    public static byte[] Pattern(int length, int seed = 1)
    {
        var random = new Random(seed);
        var data = new byte[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = i % 7 == 0 ? (byte)random.Next(256) : (byte)(i / 97);
        }

        return data;
    }

    public static byte[] Zlib(byte[] data)
    {
        using var output = new MemoryStream();
        using (var z = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            z.Write(data);
        }

        return output.ToArray();
    }

    public static IEnumerable<byte[]> Blocks(byte[] data, int size, bool padWithFf)
    {
        for (int i = 0; i < data.Length; i += size)
        {
            int n = Math.Min(size, data.Length - i);
            if (padWithFf && n < size)
            {
                var block = new byte[size];
                Array.Fill(block, (byte)0xFF);
                data.AsSpan(i, n).CopyTo(block);
                yield return block;
            }
            else
            {
                yield return data.AsSpan(i, n).ToArray();
            }
        }
    }
}
