using System.Buffers.Binary;
using Station.Flashing.Write.Deflate;

namespace Station.Flashing.Tests.Write.Deflate;

public class OptimalZlibStreamTests
{
    [Fact]
    public void Compress_Any_WritesZlibHeaderAndAdler32Trailer()
    {
        byte[] data = DeflateInputs.TextLike(50_000, 1);

        byte[] zlib = OptimalZlib.Compress(data);

        Assert.Equal([0x78, 0xDA], zlib[..2]);
        Assert.Equal(0, ((zlib[0] << 8) | zlib[1]) % 31);
        Assert.Equal(ReferenceAdler32(data), BinaryPrimitives.ReadUInt32BigEndian(zlib.AsSpan(zlib.Length - 4)));
    }

    [Fact]
    public void Adler32_KnownVector_Matches()
    {
        Assert.Equal(0x11E6_0398u, Adler32.Compute("Wikipedia"u8));
        Assert.Equal(1u, Adler32.Compute([]));
    }

    [Fact]
    public void Adler32_LongInput_MatchesByteByByteReference()
    {
        byte[] data = new byte[100_000];
        data.AsSpan().Fill(0xFF);

        Assert.Equal(ReferenceAdler32(data), Adler32.Compute(data));
    }

    [Fact]
    public void Compress_Incompressible_UsesOnlyStoredBlocks()
    {
        byte[] data = DeflateInputs.Random(200_000, 2);

        byte[] zlib = OptimalZlib.Compress(data);

        // Walk the stream as stored blocks: byte-aligned headers, LEN/NLEN, raw bytes, the final one last.
        var copied = new List<byte>();
        int at = 2;
        while (true)
        {
            byte header = zlib[at];
            Assert.True(header is 0 or 1, $"block header 0x{header:X2} at {at} is not a stored block");
            int length = BinaryPrimitives.ReadUInt16LittleEndian(zlib.AsSpan(at + 1));
            Assert.Equal(length ^ 0xFFFF, BinaryPrimitives.ReadUInt16LittleEndian(zlib.AsSpan(at + 3)));
            copied.AddRange(zlib.AsSpan(at + 5, length));
            at += 5 + length;
            if (header == 1)
            {
                break;
            }
        }

        Assert.Equal(zlib.Length - 4, at);
        Assert.Equal(data, copied);
    }

    [Fact]
    public void Compress_FirmwareLike_IsAtLeastTwoPercentSmallerThanZLibStreamSmallestSize()
    {
        byte[] data = DeflateInputs.FirmwareLike(300_000, 12);

        byte[] ours = OptimalZlib.Compress(data);
        byte[] theirs = DeflateInputs.ZLibSmallest(data);

        Assert.Equal(data, DeflateInputs.Inflate(ours));
        Assert.True(ours.Length <= theirs.Length * 0.98, $"ours {ours.Length}, ZLibStream {theirs.Length}");
    }

    [Fact]
    public void Compress_SameInput_SameBytesWhateverTheParallelism()
    {
        byte[] data = [.. DeflateInputs.FirmwareLike(300_000, 13), .. DeflateInputs.TextLike(60_000, 14)];

        byte[] first = OptimalZlib.Compress(data);
        byte[] second = OptimalZlib.Compress(data);
        byte[] serial = OptimalZlib.Compress(data, maxParallelism: 1, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(first, serial);
    }

    [Fact]
    public void Compress_Cancelled_Throws()
    {
        byte[] data = DeflateInputs.FirmwareLike(100_000, 15);

        Assert.ThrowsAny<OperationCanceledException>(() => OptimalZlib.Compress(data, new CancellationToken(canceled: true)));
    }

    private static uint ReferenceAdler32(byte[] data)
    {
        uint a = 1;
        uint b = 0;
        foreach (byte value in data)
        {
            a = (a + value) % 65521;
            b = (b + a) % 65521;
        }

        return (b << 16) | a;
    }
}
