using System.Buffers.Binary;
using System.Text;

namespace Station.DeviceData.Nvs;

/// <summary>
/// The 32-byte item header (nvs-format.md §5): ns, type, span, chunkIndex, crc32, 16-byte key, 8-byte data field.
/// The CRC covers bytes 0..3 and 8..31.
/// </summary>
public sealed class NvsItemHeader
{
    public const byte ChunkAny = 0xFF;

    private readonly byte[] _bytes;

    private NvsItemHeader(byte[] bytes) => _bytes = bytes;

    public byte NamespaceIndex => _bytes[0];

    public byte TypeByte => _bytes[1];

    public NvsItemType Type => (NvsItemType)_bytes[1];

    public byte Span => _bytes[2];

    public byte ChunkIndex => _bytes[3];

    public uint StoredCrc => BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan(4));

    public uint ComputedCrc => ComputeCrc(_bytes);

    public bool CrcMatches => StoredCrc == ComputedCrc;

    public ReadOnlySpan<byte> KeyField => _bytes.AsSpan(8, NvsPageLayout.KeyFieldSize);

    public ReadOnlySpan<byte> Data => _bytes.AsSpan(24, 8);

    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>The key up to its first NUL (or all 16 bytes when there is none), as Latin-1 so no byte is lost.</summary>
    public string Key
    {
        get
        {
            int end = KeyField.IndexOf((byte)0);
            return Encoding.Latin1.GetString(end < 0 ? KeyField : KeyField[..end]);
        }
    }

    /// <summary>Size field of a string, v1 blob or blob chunk (bytes 24..25).</summary>
    public ushort VarLengthSize => BinaryPrimitives.ReadUInt16LittleEndian(Data);

    /// <summary>Payload CRC of a string, v1 blob or blob chunk (bytes 28..31).</summary>
    public uint VarLengthCrc => BinaryPrimitives.ReadUInt32LittleEndian(Data[4..]);

    /// <summary>Total blob size held by a BLOB_IDX (bytes 24..27).</summary>
    public uint BlobIndexSize => BinaryPrimitives.ReadUInt32LittleEndian(Data);

    public byte BlobIndexChunkCount => Data[4];

    public byte BlobIndexChunkStart => Data[5];

    public static NvsItemHeader Parse(ReadOnlySpan<byte> entry) => new(entry[..NvsPageLayout.EntrySize].ToArray());

    public static uint ComputeCrc(ReadOnlySpan<byte> entry) => NvsCrc32.Compute(entry[..4], entry[8..32]);

    /// <summary>An integer item; namespace entries are u8 items in namespace 0.</summary>
    public static NvsItemHeader ForInteger(byte ns, string key, NvsInteger value)
    {
        Span<byte> data = stackalloc byte[8];
        data.Fill(0xFF);
        value.ToLittleEndian().CopyTo(data);
        return Build(ns, value.Type, 1, ChunkAny, key, data);
    }

    /// <summary>A string, v1 blob or v2 blob chunk: size, FF FF, payload CRC.</summary>
    public static NvsItemHeader ForVarLength(byte ns, NvsItemType type, byte chunkIndex, string key, ReadOnlySpan<byte> payload)
    {
        Span<byte> data = stackalloc byte[8];
        data.Fill(0xFF);
        BinaryPrimitives.WriteUInt16LittleEndian(data, (ushort)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(data[4..], NvsCrc32.Compute(payload));
        byte span = (byte)(1 + NvsPageLayout.DataEntries(payload.Length));
        return Build(ns, type, span, chunkIndex, key, data);
    }

    /// <summary>The BLOB_IDX after a blob's chunks: total size, chunk count, chunk start (§6.4).</summary>
    public static NvsItemHeader ForBlobIndex(byte ns, string key, uint size, byte chunkCount, byte chunkStart)
    {
        Span<byte> data = stackalloc byte[8];
        data.Fill(0xFF);
        BinaryPrimitives.WriteUInt32LittleEndian(data, size);
        data[4] = chunkCount;
        data[5] = chunkStart;
        return Build(ns, NvsItemType.BlobIndex, 1, ChunkAny, key, data);
    }

    private static NvsItemHeader Build(byte ns, NvsItemType type, byte span, byte chunkIndex, string key, ReadOnlySpan<byte> data)
    {
        var bytes = new byte[NvsPageLayout.EntrySize];
        bytes[0] = ns;
        bytes[1] = (byte)type;
        bytes[2] = span;
        bytes[3] = chunkIndex;

        // Every key byte after the key is 00, not FF (§5).
        Encoding.ASCII.GetBytes(key, bytes.AsSpan(8, NvsPageLayout.KeyFieldSize));
        data.CopyTo(bytes.AsSpan(24));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), ComputeCrc(bytes));
        return new NvsItemHeader(bytes);
    }
}
