namespace Station.Flashing.Efuse;

/// <summary>
/// The ESP32's BLOCK3 by byte (block memory order, §1.6): where the custom MAC, its CRC and version,
/// the ADC calibration and the anti-rollback counter live, and what is free for user data.
/// </summary>
public static class Esp32Block3Layout
{
    /// <summary>Usable bytes under coding scheme None.</summary>
    public const int BlockBytes = 32;

    /// <summary>Usable bytes under 3/4 coding (words 6–7 do not exist there).</summary>
    public const int ThreeQuarterBlockBytes = 24;

    public const int CustomMacCrcByte = 0;
    public const int CustomMacByte = 1;
    public const int MacVersionByte = 23;

    /// <summary>MAC_VERSION = 1: "custom MAC in BLOCK3" (espefuse burn_custom_mac, IDF esp_efuse_mac_get_custom).</summary>
    public const byte MacVersionCustom = 1;

    public static IReadOnlyList<Block3Field> Fields { get; } =
    [
        new("CUSTOM_MAC_CRC", CustomMacCrcByte, 1),
        new("CUSTOM_MAC", CustomMacByte, 6),
        new("ADC1/ADC2 two-point calibration", 12, 4),
        new("SECURE_VERSION", 16, 4),
        new("MAC_VERSION", MacVersionByte, 1),
    ];

    public static int UsableBytes(EfuseCodingScheme coding) => coding == EfuseCodingScheme.ThreeQuarters ? ThreeQuarterBlockBytes : BlockBytes;

    public static IReadOnlyList<Block3Field> FieldsOverlapping(int offset, int length) => [.. Fields.Where(f => f.Overlaps(offset, length))];

    /// <summary>"CUSTOM_MAC, MAC_VERSION" for bytes inside named fields, "bytes 8–9" for the rest.</summary>
    public static string Describe(IEnumerable<int> bytes)
    {
        var names = new List<string>();
        var loose = new List<int>();
        foreach (int b in bytes.Order())
        {
            if (Fields.FirstOrDefault(f => f.Overlaps(b, 1)) is { } field)
            {
                if (!names.Contains(field.Name))
                {
                    names.Add(field.Name);
                }
            }
            else
            {
                loose.Add(b);
            }
        }

        if (loose.Count > 0)
        {
            names.Add(loose.Count == 1 ? $"byte {loose[0]}" : $"bytes {Ranges(loose)}");
        }

        return string.Join(", ", names);
    }

    private static string Ranges(List<int> sorted)
    {
        var parts = new List<string>();
        int start = sorted[0];
        for (int i = 1; i <= sorted.Count; i++)
        {
            if (i == sorted.Count || sorted[i] != sorted[i - 1] + 1)
            {
                int end = sorted[i - 1];
                parts.Add(start == end ? $"{start}" : $"{start}–{end}");
                if (i < sorted.Count)
                {
                    start = sorted[i];
                }
            }
        }

        return string.Join(", ", parts);
    }
}
