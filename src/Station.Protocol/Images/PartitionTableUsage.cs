namespace Station.Protocol.Images;

/// <summary>
/// The "Usage" column the 2nd-stage bootloader prints for each partition (§2.4,
/// <c>bootloader_utility_load_partition_table</c>): "factory app", "OTA app", "WiFi data", …;
/// types other than app and data print "unknown".
/// </summary>
public static class PartitionTableUsage
{
    public static string For(PartitionType type, byte subtype) => type switch
    {
        PartitionType.App => subtype switch
        {
            PartitionSubtype.Factory => "factory app",
            PartitionSubtype.Test => "test app",
            _ when (subtype & 0xF0) == PartitionSubtype.Ota0 => "OTA app",
            _ => "Unknown app",
        },
        PartitionType.Data => subtype switch
        {
            PartitionSubtype.OtaData => "OTA data",
            PartitionSubtype.Phy => "RF data",
            PartitionSubtype.Nvs => "WiFi data",
            PartitionSubtype.NvsKeys => "NVS keys",
            PartitionSubtype.Efuse => "efuse",
            _ => "Unknown data",
        },
        _ => "unknown",
    };
}
