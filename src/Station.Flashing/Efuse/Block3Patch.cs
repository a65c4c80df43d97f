namespace Station.Flashing.Efuse;

/// <summary>Wanted bytes at chosen positions of the 32-byte block; positions not set are left alone.</summary>
internal sealed class Block3Patch
{
    private readonly byte[] _wanted = new byte[Esp32Block3Layout.BlockBytes];
    private readonly bool[] _covered = new bool[Esp32Block3Layout.BlockBytes];

    public IEnumerable<int> Covered => Enumerable.Range(0, _covered.Length).Where(i => _covered[i]);

    public byte this[int index] => _wanted[index];

    public void Set(int offset, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_wanted.AsSpan(offset));
        _covered.AsSpan(offset, bytes.Length).Fill(true);
    }

    /// <summary>e.g. "bytes 0–6 = 75 48 63 92 15 72 16, byte 23 = 01".</summary>
    public string Describe(ReadOnlySpan<byte> block)
    {
        var parts = new List<string>();
        int i = 0;
        while (i < _covered.Length)
        {
            if (!_covered[i])
            {
                i++;
                continue;
            }

            int start = i;
            while (i < _covered.Length && _covered[i])
            {
                i++;
            }

            string range = i - start == 1 ? $"byte {start}" : $"bytes {start}–{i - 1}";
            parts.Add($"{range} = {Convert.ToHexString(block[start..i]).ToLowerInvariant()}");
        }

        return string.Join(", ", parts);
    }

    public string DescribeWanted() => Describe(_wanted);
}
