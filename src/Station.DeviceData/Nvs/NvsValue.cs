using System.Globalization;
using System.Text;

namespace Station.DeviceData.Nvs;

/// <summary>A typed NVS value: an integer (u8 … i64), a string or a blob.</summary>
public abstract record NvsValue
{
    private protected NvsValue()
    {
    }

    public static NvsInteger U8(byte value) => new(NvsItemType.U8, value);

    public static NvsInteger I8(sbyte value) => new(NvsItemType.I8, value);

    public static NvsInteger U16(ushort value) => new(NvsItemType.U16, value);

    public static NvsInteger I16(short value) => new(NvsItemType.I16, value);

    public static NvsInteger U32(uint value) => new(NvsItemType.U32, value);

    public static NvsInteger I32(int value) => new(NvsItemType.I32, value);

    public static NvsInteger U64(ulong value) => new(NvsItemType.U64, value);

    public static NvsInteger I64(long value) => new(NvsItemType.I64, value);

    public static NvsString String(string text) => new(text);

    public static NvsBlob Blob(ReadOnlySpan<byte> bytes) => new(bytes);

    /// <summary>The name of the value's type as the CSV and dumps spell it: u8 … i64, string, blob.</summary>
    public abstract string TypeName { get; }
}

/// <summary>An integer of one of the eight NVS integer types; the value is checked against the type's range.</summary>
public sealed record NvsInteger : NvsValue
{
    public NvsInteger(NvsItemType type, Int128 value)
    {
        if (!NvsItemTypes.IsInteger(type))
        {
            throw new ArgumentException($"{type} is not an integer type.", nameof(type));
        }

        var (min, max) = NvsItemTypes.Range(type);
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{NvsItemTypes.Name(type)} holds {min} to {max}.");
        }

        Type = type;
        Value = value;
    }

    public NvsItemType Type { get; }

    public Int128 Value { get; }

    public override string TypeName => NvsItemTypes.Name(Type);

    /// <summary>The value as stored: two's complement, little-endian, <see cref="NvsItemTypes.Width"/> bytes.</summary>
    public byte[] ToLittleEndian()
    {
        int width = NvsItemTypes.Width(Type);
        var bytes = new byte[width];
        var bits = (UInt128)Value;
        for (int i = 0; i < width; i++)
        {
            bytes[i] = (byte)(bits >> (8 * i));
        }

        return bytes;
    }

    /// <summary>Reads a stored value back from its little-endian bytes.</summary>
    public static NvsInteger FromLittleEndian(NvsItemType type, ReadOnlySpan<byte> bytes)
    {
        int width = NvsItemTypes.Width(type);
        UInt128 bits = 0;
        for (int i = 0; i < width; i++)
        {
            bits |= (UInt128)bytes[i] << (8 * i);
        }

        Int128 value = (Int128)bits;
        if (NvsItemTypes.IsSigned(type) && (bits >> ((width * 8) - 1)) != 0)
        {
            value -= Int128.One << (width * 8);
        }

        return new NvsInteger(type, value);
    }

    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"{TypeName} {Value}");
        return true;
    }
}

/// <summary>A string; stored as its UTF-8 bytes plus one NUL (nvs-format.md §6.3).</summary>
public sealed record NvsString(string Text) : NvsValue
{
    public override string TypeName => "string";

    /// <summary>The stored payload: UTF-8 bytes and the terminating NUL.</summary>
    public byte[] ToPayload()
    {
        var payload = new byte[Encoding.UTF8.GetByteCount(Text) + 1];
        Encoding.UTF8.GetBytes(Text, payload);
        return payload;
    }

    /// <summary>The stored size, NUL included.</summary>
    public int StoredSize => Encoding.UTF8.GetByteCount(Text) + 1;
}

/// <summary>A blob: bytes compared by content.</summary>
public sealed record NvsBlob : NvsValue
{
    private readonly byte[] _bytes;

    public NvsBlob(ReadOnlySpan<byte> bytes) => _bytes = bytes.ToArray();

    public ReadOnlyMemory<byte> Bytes => _bytes;

    public int Length => _bytes.Length;

    public override string TypeName => "blob";

    public bool Equals(NvsBlob? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(_bytes);
        return hash.ToHashCode();
    }

    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"{_bytes.Length} bytes: {Convert.ToHexStringLower(_bytes.AsSpan(0, Math.Min(_bytes.Length, 16)))}{(_bytes.Length > 16 ? "…" : "")}");
        return true;
    }
}
