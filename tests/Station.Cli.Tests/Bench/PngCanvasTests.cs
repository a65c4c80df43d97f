using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Station.Cli.Bench;

namespace Station.Cli.Tests.Bench;

public class PngCanvasTests
{
    private static readonly (byte, byte, byte) White = (255, 255, 255);
    private static readonly (byte, byte, byte) Red = (200, 10, 20);

    [Fact]
    public void Crc32_StandardCheckValue_Matches()
    {
        // The CRC-32/ISO-HDLC check value of "123456789".
        Assert.Equal(0xCBF4_3926u, PngCanvas.Crc32("123456789"u8));
    }

    [Fact]
    public void ToPng_SmallCanvas_HasSignatureHeaderAndChunkCrcs()
    {
        var canvas = new PngCanvas(7, 3, White);

        byte[] png = canvas.ToPng();

        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        var chunks = Chunks(png);
        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.Select(c => c.Type));
        var header = chunks[0].Data;
        Assert.Equal((7, 3, 8, 2), (BinaryPrimitives.ReadInt32BigEndian(header), BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)), (int)header[8], (int)header[9]));
    }

    [Fact]
    public void ToPng_FilledRectangle_DecodesToThosePixels()
    {
        var canvas = new PngCanvas(6, 4, White);
        canvas.FillRect(2, 1, 3, 2, Red);

        byte[] raw = Inflate(Chunks(canvas.ToPng()).Single(c => c.Type == "IDAT").Data);

        Assert.Equal(4 * (1 + (6 * 3)), raw.Length);
        for (int y = 0; y < 4; y++)
        {
            Assert.Equal(0, raw[y * 19]);
            for (int x = 0; x < 6; x++)
            {
                int i = (y * 19) + 1 + (x * 3);
                bool inside = x is >= 2 and < 5 && y is >= 1 and < 3;
                Assert.Equal(inside ? Red : White, (raw[i], raw[i + 1], raw[i + 2]));
            }
        }
    }

    [Fact]
    public void DrawText_Digit_InksOnlyInsideItsCell()
    {
        var canvas = new PngCanvas(20, 12, White);

        canvas.DrawText(2, 2, "1", 1, Red);

        int inked = 0;
        for (int y = 0; y < canvas.Height; y++)
        {
            for (int x = 0; x < canvas.Width; x++)
            {
                if (canvas[x, y] == Red)
                {
                    inked++;
                    Assert.InRange(x, 2, 6);
                    Assert.InRange(y, 2, 8);
                }
            }
        }

        // '1' (columns 00 42 7F 40 00): a 7-pixel stem with one pixel either side of it.
        Assert.Equal(10, inked);
    }

    [Fact]
    public void FillRect_PartlyOutside_IsClipped()
    {
        var canvas = new PngCanvas(4, 4, White);

        canvas.FillRect(-2, -2, 4, 4, Red);

        Assert.Equal(Red, canvas[1, 1]);
        Assert.Equal(White, canvas[2, 2]);
    }

    private static List<(string Type, byte[] Data)> Chunks(byte[] png)
    {
        var chunks = new List<(string, byte[])>();
        int at = 8;
        while (at < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = Encoding.ASCII.GetString(png, at + 4, 4);
            byte[] data = png.AsSpan(at + 8, length).ToArray();
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            Assert.Equal(PngCanvas.Crc32(png.AsSpan(at + 4, 4 + length)), crc);
            chunks.Add((type, data));
            at += 12 + length;
        }

        return chunks;
    }

    private static byte[] Inflate(byte[] zlib)
    {
        using var input = new ZLibStream(new MemoryStream(zlib), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
