namespace Station.DeviceData.Nvs;

/// <summary>How to build an image.</summary>
/// <param name="PartitionSize">Bytes, a multiple of 4096, at least 0x1000 (see <see cref="NvsPartitionSize"/>).</param>
/// <param name="Version">Version 2 (multi-page blobs) unless the firmware needs version 1.</param>
/// <param name="PadReadOnlyImage">
/// The generator's image for a read-only size (below 0x3000) holds only the pages it used (nvs-format.md §7.4);
/// set this to get the full partition size instead, padded with erased (FF) pages.
/// </param>
public sealed record NvsWriteOptions(long PartitionSize, NvsFormatVersion Version = NvsFormatVersion.Version2, bool PadReadOnlyImage = false);
