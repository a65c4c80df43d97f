using System.Globalization;

namespace Station.Flashing.Efuse;

/// <summary>The words of one eFuse block as the record keeps them (e.g. <c>0x92634875</c>, word 0 first).</summary>
public sealed class EfuseWords : IEquatable<EfuseWords>
{
    private readonly uint[] _words;

    public EfuseWords(ReadOnlySpan<uint> words)
    {
        _words = words.ToArray();
    }

    public IReadOnlyList<uint> Words => _words;

    public IReadOnlyList<string> Hex => [.. _words.Select(w => "0x" + w.ToString("X8", CultureInfo.InvariantCulture))];

    public bool IsZero => _words.All(w => w == 0);

    internal ReadOnlySpan<uint> Span => _words;

    /// <summary>The block's bytes in memory order (word 0's low byte first).</summary>
    public byte[] ToBytes()
    {
        byte[] bytes = new byte[_words.Length * 4];
        for (int i = 0; i < _words.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), _words[i]);
        }

        return bytes;
    }

    internal static EfuseWords FromBytes(ReadOnlySpan<byte> bytes)
    {
        uint[] words = new uint[bytes.Length / 4];
        for (int i = 0; i < words.Length; i++)
        {
            words[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes[(i * 4)..]);
        }

        return new EfuseWords(words);
    }

    public bool Equals(EfuseWords? other) => other is not null && _words.AsSpan().SequenceEqual(other._words);

    public override bool Equals(object? obj) => Equals(obj as EfuseWords);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (uint word in _words)
        {
            hash.Add(word);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => string.Join(' ', Hex);
}
