namespace Station.Flashing.Write.Deflate;

/// <summary>
/// The matches found at each position of a segment, computed once and reused by every parse: per position
/// a list of (length, distance) with strictly increasing lengths, each the nearest distance seen for it, so a
/// length between two entries is best taken at the longer entry's distance.
/// </summary>
internal sealed class MatchTable
{
    private readonly int[] _first;
    private uint[] _entries;
    private int _count;
    private int _positions;

    public MatchTable(int positions)
    {
        _first = new int[positions + 1];
        _entries = new uint[Math.Max(16, positions)];
    }

    public int Positions => _positions;

    /// <summary>Matches at <paramref name="position"/>, each packed as <c>length &lt;&lt; 16 | distance</c>.</summary>
    public ReadOnlySpan<uint> At(int position) => _entries.AsSpan(_first[position], _first[position + 1] - _first[position]);

    public static int Length(uint entry) => (int)(entry >> 16);

    public static int Distance(uint entry) => (int)(entry & 0xFFFF);

    /// <summary>Starts the list of the next position; positions are filled in order.</summary>
    public void BeginPosition() => _first[_positions++] = _count;

    /// <summary>
    /// Adds a match longer than the position's previous ones. Past <paramref name="limit"/> per position the last
    /// entry is replaced instead: the longer match also serves the lengths of the one it replaces (at a farther
    /// distance), and the table stays within <paramref name="limit"/> entries a position on any input.
    /// </summary>
    public void Add(int length, int distance, int limit)
    {
        if (_count - _first[_positions - 1] == limit)
        {
            _count--;
        }

        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        _entries[_count++] = ((uint)length << 16) | (uint)distance;
    }

    public void Complete() => _first[_positions] = _count;
}
