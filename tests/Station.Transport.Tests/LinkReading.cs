using Station.Transport.Links;

namespace Station.Transport.Tests;

/// <summary>Reads that wait for bytes with a deadline instead of sleeping.</summary>
internal static class LinkReading
{
    /// <summary>Long enough for a loaded CI machine; a passing test never waits for it.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public static CancellationTokenSource Deadline() => new(Patience);

    public static async Task<byte[]> ReadExactlyAsync(this IByteLink link, int count, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[count];
        int filled = 0;
        while (filled < count)
        {
            filled += await link.ReadAsync(buffer.AsMemory(filled), cancellationToken);
        }

        return buffer;
    }

    /// <summary>Equal bytes, or a failure that names the first difference (not a 1 MiB dump).</summary>
    public static void SameBytes(byte[] expected, byte[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        int diff = expected.AsSpan().CommonPrefixLength(actual);
        Assert.True(diff == expected.Length, $"bytes differ at offset {diff}: expected 0x{(diff < expected.Length ? expected[diff] : 0):X2}, got 0x{(diff < actual.Length ? actual[diff] : 0):X2}");
    }

    public static byte[] Pattern(int length, int seed)
    {
        byte[] data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }
}
