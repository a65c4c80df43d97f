using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Station.Flashing.Tests.Write.Deflate;

/// <summary>Inputs for the compressor tests and the reference codec they are checked against.</summary>
internal static class DeflateInputs
{
    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// Instruction-like 32-bit words as in a firmware image: a few common opcodes whose low byte drifts every
    /// 64 bytes, opcodes with random 16-bit operands, and about one word in nine random.
    /// </summary>
    public static byte[] FirmwareLike(int length, int seed)
    {
        ReadOnlySpan<uint> common = [0x0000_0000, 0x0000_4136, 0x0000_F01D, 0x0020_C0A2, 0x0008_1322, 0x00A0_2A81, 0x0C00_20C0, 0x0000_81A0];
        var random = new Random(seed);
        var bytes = new byte[length];
        for (int i = 0; i + 4 <= length; i += 4)
        {
            double pick = random.NextDouble();
            uint word = pick < 0.11 ? (uint)random.NextInt64(1L << 32)
                : pick < 0.41 ? ((uint)random.Next(1 << 16) << 8) | 0x22
                : common[random.Next(common.Length)] + (uint)((i >> 6) & 0xFF);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i), word);
        }

        return bytes;
    }

    /// <summary>Text from a small vocabulary with the odd hex number, as HTML/JSON assets.</summary>
    public static byte[] TextLike(int length, int seed)
    {
        string[] words = ["<div", "class=", "\"row\"", "{\"id\":", "\"value\":", "true,", "false,", "null", "</div>", "<span>", "sensor",
            "config", "wifi", "mqtt", "station", "unit", "42", "3.14", "\n", "  ", "name", "topic", "/api/v1/", "status", "ok"];
        var random = new Random(seed);
        var text = new StringBuilder(length + 16);
        while (text.Length < length)
        {
            text.Append(random.Next(16) == 0 ? random.Next().ToString("x8") : words[random.Next(words.Length)]).Append(' ');
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }

    public static byte[] Inflate(byte[] zlib)
    {
        using var inflater = new ZLibStream(new MemoryStream(zlib), CompressionMode.Decompress);
        using var output = new MemoryStream();
        inflater.CopyTo(output);
        return output.ToArray();
    }

    public static byte[] ZLibSmallest(byte[] data)
    {
        using var output = new MemoryStream();
        using (var deflater = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            deflater.Write(data);
        }

        return output.ToArray();
    }
}
