namespace Station.DeviceData.Nvs;

/// <summary>The format version byte of a page header (nvs-format.md §3, §6.4, §6.5).</summary>
public enum NvsFormatVersion : byte
{
    /// <summary>Blobs are single items of at most 1984 bytes (<c>--version 1</c>).</summary>
    Version1 = 0xFF,

    /// <summary>Multi-page blobs: BLOB_DATA chunks plus a BLOB_IDX (the default).</summary>
    Version2 = 0xFE,
}

/// <summary>How the reference generator names the versions in its output.</summary>
public static class NvsFormatVersions
{
    public static int Number(NvsFormatVersion version) => version == NvsFormatVersion.Version1 ? 1 : 2;

    public static NvsFormatVersion FromNumber(int number) => number switch
    {
        1 => NvsFormatVersion.Version1,
        2 => NvsFormatVersion.Version2,
        _ => throw new ArgumentOutOfRangeException(nameof(number), number, "NVS format version is 1 or 2."),
    };

    /// <summary>The generator's banner text, e.g. "V2 - Multipage Blob Support Enabled".</summary>
    public static string Banner(NvsFormatVersion version) => version == NvsFormatVersion.Version1
        ? "V1 - Multipage Blob Support Disabled"
        : "V2 - Multipage Blob Support Enabled";
}
