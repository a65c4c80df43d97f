namespace Station.Protocol.Images;

/// <summary>Which of the bootloader's partition-table checks failed (§2.3, <c>esp_partition_table_verify</c>).</summary>
public enum PartitionTableFault
{
    /// <summary>A row is neither an entry (0x50AA), the MD5 row (0xEBEB) nor the end marker.</summary>
    InvalidMagic,

    /// <summary>An entry's offset or end lies beyond the flash size in the bootloader header.</summary>
    ExceedsFlashSize,

    /// <summary>A second MD5 row.</summary>
    DuplicateMd5,

    /// <summary>The MD5 row's digest does not match the entries before it.</summary>
    Md5Mismatch,

    /// <summary>No end marker within the 0xC00 bytes the bootloader maps.</summary>
    NoTerminatingEntry,
}

/// <summary>
/// Why a partition table was rejected, with the message the bootloader logs (tag <see cref="Tag"/>),
/// e.g. <c>partition 0 invalid magic number 0xffff</c>.
/// </summary>
/// <param name="Row">The 32-byte row the check stopped at.</param>
public sealed record PartitionTableError(PartitionTableFault Fault, int Row, string Message)
{
    /// <summary>The log tag of <c>flash_partitions.c</c>.</summary>
    public const string Tag = "flash_parts";

    public override string ToString() => Message;
}
