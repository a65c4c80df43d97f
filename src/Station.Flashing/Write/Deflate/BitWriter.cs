using System.Buffers.Binary;

namespace Station.Flashing.Write.Deflate;

/// <summary>Deflate's bit order: values go in least significant bit first, bytes fill from their low bit.</summary>
internal sealed class BitWriter(int capacity)
{
    private byte[] _buffer = new byte[Math.Max(capacity, 64)];
    private int _length;
    private ulong _bits;
    private int _count;

    /// <summary>Bits written so far.</summary>
    public long BitPosition => (8L * _length) + _count;

    /// <summary>Writes the low <paramref name="count"/> (at most 32) bits of <paramref name="value"/>.</summary>
    public void WriteBits(uint value, int count)
    {
        _bits |= (ulong)value << _count;
        _count += count;
        if (_count >= 32)
        {
            Reserve(4);
            BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_length), (uint)_bits);
            _length += 4;
            _bits >>= 32;
            _count -= 32;
        }
    }

    /// <summary>Pads with zero bits up to the next byte boundary.</summary>
    public void AlignToByte()
    {
        Reserve(8);
        while (_count > 0)
        {
            _buffer[_length++] = (byte)_bits;
            _bits >>= 8;
            _count = Math.Max(0, _count - 8);
        }

        _bits = 0;
    }

    /// <summary>Appends whole bytes; the writer must be byte-aligned.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (_count != 0)
        {
            throw new InvalidOperationException("Bytes can only be written on a byte boundary.");
        }

        Reserve(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>The bytes written; the writer must be byte-aligned.</summary>
    public byte[] ToArray()
    {
        AlignToByte();
        return _buffer.AsSpan(0, _length).ToArray();
    }

    private void Reserve(int bytes)
    {
        if (_length + bytes > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes));
        }
    }
}
