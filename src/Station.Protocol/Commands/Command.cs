using System.Buffers.Binary;

namespace Station.Protocol.Commands;

/// <summary>
/// One request to the loader: <c>00 op size(u16) checksum(u32) data</c>, little-endian.
/// </summary>
public readonly record struct Command(Opcode Opcode, ReadOnlyMemory<byte> Data, uint Checksum = 0)
{
    public const int HeaderLength = 8;
    public const byte Direction = 0x00;

    public int PacketLength => HeaderLength + Data.Length;

    /// <summary>Writes the unescaped packet into <paramref name="destination"/>.</summary>
    public void WritePacket(Span<byte> destination)
    {
        if (Data.Length > ushort.MaxValue)
        {
            throw new InvalidOperationException($"Command data of {Data.Length} bytes does not fit the 16-bit size field.");
        }

        destination[0] = Direction;
        destination[1] = (byte)Opcode;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], (ushort)Data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Checksum);
        Data.Span.CopyTo(destination[HeaderLength..]);
    }

    public byte[] ToPacket()
    {
        var packet = new byte[PacketLength];
        WritePacket(packet);
        return packet;
    }

    /// <summary>Parses a request as the device sees it (used by the simulator and by tests).</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out Command command)
    {
        command = default;
        if (packet.Length < HeaderLength || packet[0] != Direction)
        {
            return false;
        }

        command = new Command(
            (Opcode)packet[1],
            packet[HeaderLength..].ToArray(),
            BinaryPrimitives.ReadUInt32LittleEndian(packet[4..]));
        return true;
    }

    /// <summary>The size field as sent, which a device may compare to the real data length.</summary>
    /// <exception cref="ProtocolException">The packet is too short to hold the size field.</exception>
    public static ushort DeclaredSize(ReadOnlySpan<byte> packet) => packet.Length >= 4
        ? BinaryPrimitives.ReadUInt16LittleEndian(packet[2..])
        : throw new ProtocolException(ProtocolFault.MalformedRequest, $"A request of {packet.Length} bytes has no size field.");
}

/// <summary>The data checksum: start at 0xEF and XOR every payload byte.</summary>
public static class DataChecksum
{
    public const byte Seed = 0xEF;

    public static byte Compute(ReadOnlySpan<byte> payload)
    {
        // XOR is associative: fold 8 bytes at a time, then the tail.
        ulong wide = 0;
        int i = 0;
        for (; i + 8 <= payload.Length; i += 8)
        {
            wide ^= BinaryPrimitives.ReadUInt64LittleEndian(payload[i..]);
        }

        byte acc = Seed;
        for (int s = 0; s < 64; s += 8)
        {
            acc ^= (byte)(wide >> s);
        }

        for (; i < payload.Length; i++)
        {
            acc ^= payload[i];
        }

        return acc;
    }
}
