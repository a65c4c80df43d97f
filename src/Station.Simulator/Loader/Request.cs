using System.Buffers.Binary;
using Station.Protocol.Commands;

namespace Station.Simulator.Loader;

/// <summary>
/// A request as the chip sees it: the opcode, the size field as sent (loaders check lengths against
/// it), the checksum field and the data. Helpers read the little-endian words of the data.
/// </summary>
internal sealed class Request
{
    private Request(Opcode opcode, int declaredSize, uint checksum, byte[] data)
    {
        Opcode = opcode;
        DeclaredSize = declaredSize;
        Checksum = checksum;
        Data = data;
    }

    public Opcode Opcode { get; }

    public int DeclaredSize { get; }

    public uint Checksum { get; }

    public byte[] Data { get; }

    /// <summary>Parses a frame; null for frames the chip ignores (too short, direction ≠ 0).</summary>
    public static Request? From(byte[] frame)
    {
        if (!Command.TryParse(frame, out Command command))
        {
            return null;
        }

        return new Request(command.Opcode, Command.DeclaredSize(frame), command.Checksum, command.Data.ToArray());
    }

    public uint Word(int index) =>
        (index + 1) * 4 <= Data.Length ? BinaryPrimitives.ReadUInt32LittleEndian(Data.AsSpan(index * 4)) : 0;

    public bool SizeIs(int size) => DeclaredSize == size && Data.Length >= size;

    /// <summary>For *_DATA commands: the payload after the 16-byte sub-header.</summary>
    public ReadOnlySpan<byte> Payload =>
        Math.Min(DeclaredSize, Data.Length) is int end && end > Requests.DataHeaderLength ? Data.AsSpan(Requests.DataHeaderLength, end - Requests.DataHeaderLength) : [];

    /// <summary>The same bytes as <see cref="Payload"/>, writable (for faults that damage what was received).</summary>
    public Span<byte> PayloadBytes =>
        Math.Min(DeclaredSize, Data.Length) is int end && end > Requests.DataHeaderLength ? Data.AsSpan(Requests.DataHeaderLength, end - Requests.DataHeaderLength) : [];

    /// <summary>*_DATA: the sub-header's length word equals the bytes that follow it.</summary>
    public bool DataLengthMatches => DeclaredSize >= Requests.DataHeaderLength && Word(0) == (uint)(DeclaredSize - Requests.DataHeaderLength)
        && Data.Length >= DeclaredSize;

    /// <summary>*_DATA: the header's checksum equals <c>0xEF ^ payload</c>.</summary>
    public bool ChecksumMatches => (Checksum & 0xFF) == DataChecksum.Compute(Payload) && Checksum <= 0xFF;
}
