namespace Station.Simulator.Loader;

/// <summary>
/// MEM_BEGIN / MEM_DATA / MEM_END bookkeeping: which address ranges received code. The simulator
/// cannot execute the code; it only needs to know whether an entry point lands inside it.
/// </summary>
internal sealed class RamUpload
{
    private readonly List<(uint Start, uint End)> _written = [];
    private uint _segmentStart;
    private uint _next;
    private bool _open;

    /// <summary>Between MEM_BEGIN and MEM_END: the blocks arriving now are part of an upload.</summary>
    public bool Receiving { get; private set; }

    public void Begin(uint address)
    {
        _segmentStart = address;
        _next = address;
        _open = true;
        Receiving = true;
    }

    /// <summary>MEM_END arrived (the segment stays writable, as before; only <see cref="Receiving"/> ends).</summary>
    public void Finish() => Receiving = false;

    /// <summary>Stores a MEM_DATA block; false when no MEM_BEGIN preceded it.</summary>
    public bool Write(ReadOnlySpan<byte> block)
    {
        if (!_open)
        {
            return false;
        }

        uint start = _next;
        _next += (uint)block.Length;
        if (block.Length > 0)
        {
            _written.Add((start, _next));
        }

        return true;
    }

    public bool Contains(uint address) => _written.Any(r => address >= r.Start && address < r.End);

    public uint SegmentStart => _segmentStart;

    public void Clear()
    {
        _written.Clear();
        _open = false;
        Receiving = false;
    }
}
