using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Station.Protocol.Tests.Images;

/// <summary>Builds structurally valid ESP images for tests, following the documented layout.</summary>
internal static class TestImages
{
    public static byte[] Build(bool extended = true, bool hashAppended = true, byte mode = 0x02, byte sizeFreq = 0x20, params int[] segmentLengths)
    {
        if (segmentLengths.Length == 0)
        {
            segmentLengths = [20, 33];
        }

        var image = new List<byte> { 0xE9, (byte)segmentLengths.Length, mode, sizeFreq };
        image.AddRange(BitConverter.GetBytes(0x4008_0000u));
        if (extended)
        {
            var ext = new byte[16];
            ext[0] = 0xEE;
            ext[15] = hashAppended ? (byte)1 : (byte)0;
            image.AddRange(ext);
        }

        byte checksum = 0xEF;
        var random = new Random(segmentLengths.Sum());
        uint load = 0x3FFB_0000;
        foreach (int length in segmentLengths)
        {
            var header = new byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(header, load);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)length);
            image.AddRange(header);
            var data = new byte[length];
            random.NextBytes(data);
            foreach (byte b in data)
            {
                checksum ^= b;
            }

            image.AddRange(data);
            load += 0x1000;
        }

        while (image.Count % 16 != 15)
        {
            image.Add(0);
        }

        image.Add(checksum);
        if (hashAppended && extended)
        {
            image.AddRange(SHA256.HashData(image.ToArray()));
        }

        return [.. image];
    }
}
