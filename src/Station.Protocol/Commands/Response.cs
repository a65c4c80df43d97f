using System.Buffers.Binary;

namespace Station.Protocol.Commands;

/// <summary>
/// One reply from the loader: <c>01 op size(u16) value(u32) data</c>. The size field is not trusted
/// (esptool ignores it too): the data is whatever the frame carries after the header.
/// </summary>
public readonly record struct Response(Opcode Opcode, uint Value, ReadOnlyMemory<byte> Data)
{
    public const int HeaderLength = 8;
    public const byte Direction = 0x01;

    /// <summary>Parses a decoded SLIP frame; false for frames that are not responses at all.</summary>
    public static bool TryParse(ReadOnlySpan<byte> frame, out Response response)
    {
        response = default;
        if (frame.Length < HeaderLength || frame[0] != Direction)
        {
            return false;
        }

        response = new Response(
            (Opcode)frame[1],
            BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]),
            frame[HeaderLength..].ToArray());
        return true;
    }

    /// <summary>Builds a response packet (device side).</summary>
    public static byte[] Build(Opcode opcode, uint value, ReadOnlySpan<byte> data)
    {
        var packet = new byte[HeaderLength + data.Length];
        packet[0] = Direction;
        packet[1] = (byte)opcode;
        BinaryPrimitives.WriteUInt16LittleEndian(packet.AsSpan(2), (ushort)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(4), value);
        data.CopyTo(packet.AsSpan(HeaderLength));
        return packet;
    }
}
