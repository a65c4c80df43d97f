namespace Station.DeviceData.Nvs;

/// <summary>Sizes and offsets of a page (nvs-format.md §2–§5).</summary>
public static class NvsPageLayout
{
    public const int PageSize = 4096;
    public const int EntrySize = 32;
    public const int EntriesPerPage = 126;
    public const int HeaderSize = 32;
    public const int BitmapOffset = 32;
    public const int BitmapSize = 32;
    public const int FirstEntryOffset = 64;

    /// <summary>The key field is 16 bytes and always keeps a NUL.</summary>
    public const int KeyFieldSize = 16;
    public const int MaxKeyLength = 15;

    /// <summary>One whole page after the item header: the largest string or blob chunk (§6.4).</summary>
    public const int MaxChunkSize = (EntriesPerPage - 1) * EntrySize;

    /// <summary>The generator's limit for a version 2 string, NUL included (§8).</summary>
    public const int MaxStringSizeV2 = 4000;

    /// <summary>The largest string the generator can place: span 125, since a span of 126 trips its page-full test (§7.2).</summary>
    public const int MaxPlaceableStringSize = (EntriesPerPage - 2) * EntrySize;

    /// <summary>Version 1 limit for strings and blobs (§6.5).</summary>
    public const int MaxVarLengthSizeV1 = 1984;

    /// <summary>The firmware allows namespace indexes 1..254.</summary>
    public const int MaxNamespaces = 254;

    public static int EntryOffset(int entry) => FirstEntryOffset + (entry * EntrySize);

    /// <summary>Data entries a payload of this size needs after its header.</summary>
    public static int DataEntries(int size) => (size + EntrySize - 1) / EntrySize;
}
