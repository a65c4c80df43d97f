namespace Station.DeviceData.Nvs.Reading;

/// <summary>Something wrong in an image: where (page and entry when it has them), a stable code, and what.</summary>
public sealed record NvsProblem(int? Page, int? Entry, string Code, string Message)
{
    public override string ToString() => (Page, Entry) switch
    {
        (int page, int entry) => $"page {page}, entry {entry}: {Message}",
        (int page, null) => $"page {page}: {Message}",
        _ => Message,
    };
}

/// <summary>Stable codes for <see cref="NvsProblem"/>.</summary>
public static class NvsProblemCodes
{
    public const string ImageSize = "E-NVS-IMAGE-SIZE";
    public const string PageState = "E-NVS-PAGE-STATE";
    public const string PageNotErased = "E-NVS-PAGE-NOT-ERASED";
    public const string PageHeaderCrc = "E-NVS-PAGE-HEADER-CRC";
    public const string PageVersion = "E-NVS-PAGE-VERSION";
    public const string PageHeaderUnused = "E-NVS-PAGE-HEADER-UNUSED";
    public const string PageSequence = "E-NVS-PAGE-SEQUENCE";
    public const string BitmapState = "E-NVS-BITMAP-STATE";
    public const string EntryNotErased = "E-NVS-ENTRY-NOT-ERASED";
    public const string EntryCrc = "E-NVS-ENTRY-CRC";
    public const string EntryType = "E-NVS-ENTRY-TYPE";
    public const string Span = "E-NVS-SPAN";
    public const string SpanState = "E-NVS-SPAN-STATE";
    public const string DataCrc = "E-NVS-DATA-CRC";
    public const string DataSize = "E-NVS-DATA-SIZE";
    public const string StringTerminator = "E-NVS-STRING-NUL";
    public const string Padding = "E-NVS-PADDING";
    public const string ChunkIndex = "E-NVS-CHUNK-INDEX";
    public const string Key = "E-NVS-KEY";
    public const string Namespace = "E-NVS-NAMESPACE";
    public const string BlobChunks = "E-NVS-BLOB-CHUNKS";
    public const string BlobOrphanChunk = "E-NVS-BLOB-ORPHAN-CHUNK";
    public const string VersionMismatch = "E-NVS-VERSION-MISMATCH";
}
