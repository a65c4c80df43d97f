namespace Station.DeviceData.Nvs;

/// <summary>A built partition image and what went into it.</summary>
/// <param name="Bytes">The image: the partition size, or only the used pages for an unpadded read-only size.</param>
/// <param name="PagesUsed">Pages that received a header (the data pages).</param>
public sealed record NvsImage(byte[] Bytes, NvsPartitionSize Size, NvsFormatVersion Version, int PagesUsed);
