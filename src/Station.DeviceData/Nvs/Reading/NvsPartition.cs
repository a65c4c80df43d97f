namespace Station.DeviceData.Nvs.Reading;

/// <summary>An entry as found on flash, with where its item (the BLOB_IDX for a v2 blob) stands.</summary>
public sealed record NvsLocatedEntry(NvsEntry Entry, int Page, int Slot);

/// <summary>What <see cref="NvsReader"/> found in an image: every page, the entries, and every problem.</summary>
public sealed class NvsPartition
{
    internal NvsPartition(
        IReadOnlyList<NvsPageReport> pages,
        IReadOnlyList<NvsItem> items,
        IReadOnlyList<NvsLocatedEntry> entries,
        IReadOnlyDictionary<byte, string> namespaces,
        IReadOnlyList<NvsProblem> problems)
    {
        Pages = pages;
        Items = items;
        Entries = entries;
        Namespaces = namespaces;
        Problems = problems;
    }

    public IReadOnlyList<NvsPageReport> Pages { get; }

    /// <summary>Namespace definitions and entries in flash order: what a writer would need to build this image again.</summary>
    public IReadOnlyList<NvsItem> Items { get; }

    public IReadOnlyList<NvsLocatedEntry> Entries { get; }

    /// <summary>Namespace names by index.</summary>
    public IReadOnlyDictionary<byte, string> Namespaces { get; }

    public IReadOnlyList<NvsProblem> Problems { get; }

    public bool IsValid => Problems.Count == 0;
}
