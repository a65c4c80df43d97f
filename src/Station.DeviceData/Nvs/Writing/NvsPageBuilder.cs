using System.Buffers.Binary;

namespace Station.DeviceData.Nvs.Writing;

/// <summary>
/// Fills pages the way the reference generator does (nvs-format.md §7.3): one current page, a next free entry,
/// and a page budget; starting a new page turns an ACTIVE page FULL and fails when the budget is spent.
/// </summary>
internal sealed class NvsPageBuilder
{
    private readonly List<byte[]> _pages = [];
    private readonly int _pageBudget;
    private readonly NvsFormatVersion _version;
    private byte[] _page = [];

    public NvsPageBuilder(int pageBudget, NvsFormatVersion version)
    {
        _pageBudget = pageBudget;
        _version = version;

        // Page 0 is headed even when nothing is written (§2).
        StartNewPage();
    }

    /// <summary>The next free entry of the current page, 0..126.</summary>
    public int NextEntry { get; private set; }

    public int PagesUsed => _pages.Count;

    public IReadOnlyList<byte[]> Pages => _pages;

    public void StartNewPage()
    {
        if (_pages.Count > 0 && State == NvsPageState.Active)
        {
            State = NvsPageState.Full;
        }

        if (_pages.Count >= _pageBudget)
        {
            throw new NvsOutOfPagesException();
        }

        _page = new byte[NvsPageLayout.PageSize];
        _page.AsSpan().Fill(0xFF);
        var header = _page.AsSpan(0, NvsPageLayout.HeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)NvsPageState.Active);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)_pages.Count);
        header[8] = (byte)_version;
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], NvsCrc32.Compute(header[4..28]));
        _pages.Add(_page);
        NextEntry = 0;
    }

    /// <summary>Writes a header and its payload from the next free entry on and marks every slot WRITTEN.</summary>
    public void Write(NvsItemHeader header, ReadOnlySpan<byte> payload)
    {
        int span = 1 + NvsPageLayout.DataEntries(payload.Length);
        if (NextEntry + span > NvsPageLayout.EntriesPerPage)
        {
            throw new InvalidOperationException($"An item of span {span} does not fit at entry {NextEntry}; the layout rules should have started a new page.");
        }

        header.Bytes.CopyTo(_page.AsSpan(NvsPageLayout.EntryOffset(NextEntry)));
        payload.CopyTo(_page.AsSpan(NvsPageLayout.EntryOffset(NextEntry + 1)));
        for (int i = 0; i < span; i++)
        {
            MarkWritten(NextEntry + i);
        }

        NextEntry += span;
    }

    private NvsPageState State
    {
        get => (NvsPageState)BinaryPrimitives.ReadUInt32LittleEndian(_page);
        set => BinaryPrimitives.WriteUInt32LittleEndian(_page, (uint)value);
    }

    // The generator clears only the low bit of the pair: 11 (EMPTY) becomes 10 (WRITTEN) (§4).
    private void MarkWritten(int entry) => _page[NvsPageLayout.BitmapOffset + (entry / 4)] &= (byte)~(1 << (2 * (entry % 4)));
}
