using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Station.Cli.Bench;

/// <summary>
/// A small RGB drawing surface that encodes itself as PNG (no plotting or imaging package restores here): filled
/// rectangles, and text in a 5×7 pixel font (digits, capitals and common punctuation) scaled by whole pixels.
/// PNG: signature, IHDR (8-bit RGB), one zlib IDAT of unfiltered scanlines, IEND; each chunk with its CRC-32.
/// </summary>
public sealed class PngCanvas
{
    private const int GlyphWidth = 5;
    private const int GlyphHeight = 7;

    // Column-major glyphs, bit 0 at the top, for ' ' (0x20) through 'Z' (0x5A).
    private static readonly byte[] Font = Convert.FromHexString(
        "0000000000" + "00005F0000" + "0007000700" + "147F147F14" + "242A7F2A12" + "2313086462" + "3649562050" + "0008070300" +
        "001C224100" + "0041221C00" + "2A1C7F1C2A" + "08083E0808" + "0080703000" + "0808080808" + "0000606000" + "2010080402" +
        "3E5149453E" + "00427F4000" + "7249494946" + "2141494D33" + "1814127F10" + "2745454539" + "3C4A494931" + "4121110907" +
        "3649494936" + "464949291E" + "0000140000" + "0040340000" + "0008142241" + "1414141414" + "0041221408" + "0201590906" +
        "3E415D594E" + "7C1211127C" + "7F49494936" + "3E41414122" + "7F4141413E" + "7F49494941" + "7F09090901" + "3E41415173" +
        "7F0808087F" + "00417F4100" + "2040413F01" + "7F08142241" + "7F40404040" + "7F021C027F" + "7F0408107F" + "3E4141413E" +
        "7F09090906" + "3E4151215E" + "7F09192946" + "2649494932" + "03017F0103" + "3F4040403F" + "1F2040201F" + "3F4038403F" +
        "6314081463" + "0304780403" + "6159494D43");

    private static readonly uint[] CrcTable = BuildCrcTable();

    private readonly byte[] _pixels;

    public PngCanvas(int width, int height, (byte R, byte G, byte B) background)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        _pixels = new byte[width * height * 3];
        FillRect(0, 0, width, height, background);
    }

    public int Width { get; }

    public int Height { get; }

    public (byte R, byte G, byte B) this[int x, int y]
    {
        get
        {
            int i = ((y * Width) + x) * 3;
            return (_pixels[i], _pixels[i + 1], _pixels[i + 2]);
        }
    }

    /// <summary>Fills the rectangle, clipped to the canvas.</summary>
    public void FillRect(int x, int y, int width, int height, (byte R, byte G, byte B) color)
    {
        int x0 = Math.Max(0, x);
        int y0 = Math.Max(0, y);
        int x1 = Math.Min(Width, x + width);
        int y1 = Math.Min(Height, y + height);
        for (int row = y0; row < y1; row++)
        {
            for (int col = x0; col < x1; col++)
            {
                int i = ((row * Width) + col) * 3;
                _pixels[i] = color.R;
                _pixels[i + 1] = color.G;
                _pixels[i + 2] = color.B;
            }
        }
    }

    /// <summary>Width in pixels of <paramref name="text"/> drawn at <paramref name="scale"/>.</summary>
    public static int TextWidth(string text, int scale) => text.Length * (GlyphWidth + 1) * scale;

    /// <summary>Draws text with its top-left corner at (x, y); lower case is drawn as capitals, unknown characters as '?'.</summary>
    public void DrawText(int x, int y, string text, int scale, (byte R, byte G, byte B) color)
    {
        foreach (char raw in text.ToUpperInvariant())
        {
            char c = raw is >= ' ' and <= 'Z' ? raw : '?';
            int glyph = (c - ' ') * GlyphWidth;
            for (int col = 0; col < GlyphWidth; col++)
            {
                byte bits = Font[glyph + col];
                for (int row = 0; row < GlyphHeight + 1; row++)
                {
                    if ((bits >> row & 1) != 0)
                    {
                        FillRect(x + (col * scale), y + (row * scale), scale, scale, color);
                    }
                }
            }

            x += (GlyphWidth + 1) * scale;
        }
    }

    public byte[] ToPng()
    {
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), Height);
        header[8] = 8;  // bits per sample
        header[9] = 2;  // colour type: RGB
        WriteChunk(output, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                for (int row = 0; row < Height; row++)
                {
                    zlib.WriteByte(0);  // filter: none
                    zlib.Write(_pixels, row * Width * 3, Width * 3);
                }
            }

            WriteChunk(output, "IDAT", compressed.ToArray());
        }

        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>CRC-32 (ISO-HDLC, as PNG and zlib's crc32 use it).</summary>
    public static uint Crc32(ReadOnlySpan<byte> data, uint crc = 0)
    {
        crc = ~crc;
        foreach (byte b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        byte[] typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(data, Crc32(typeBytes)));
        output.Write(word);
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
