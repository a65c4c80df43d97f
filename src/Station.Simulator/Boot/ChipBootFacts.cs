using Station.Protocol.Chips;

namespace Station.Simulator.Boot;

/// <summary>
/// What differs per chip in an ESP-IDF v5.x boot (esp-idf-images-and-efuse.md §4.4 and real logs
/// cited there): the <c>boot.&lt;chip&gt;</c> tag, the speed label (the S3 prints "Boot SPI Speed"),
/// one or two cores ("Multicore bootloader" / "Multicore app"), whether the eFuse block revision is
/// printed (every chip but the ESP32), the flash-mapped address ranges ("map" segments, whose data
/// must sit at the same offset within a 64 KB MMU page as their load address), and defaults the image
/// cannot tell (CPU frequency, the maximum chip revision the app was built for).
/// ESP32, S3 and C3 values come from real logs; the other chips' ranges and clocks are marked assumed.
/// </summary>
public sealed record ChipBootFacts
{
    /// <summary>64 KB flash MMU pages (configurable on some newer chips; 64 KB is every chip's default).</summary>
    public const uint MmuPageSize = 0x1_0000;

    /// <summary>
    /// The simulated chip's revision, major×100+minor: 0, as the register file's zero eFuses say
    /// (esptool reports "revision v0.0"), so identify and boot log agree.
    /// </summary>
    public const int ChipRevisionFull = 0;

    public required string Tag { get; init; }

    public required bool DualCore { get; init; }

    public required bool PrintsEfuseBlockRevision { get; init; }

    /// <summary>"SPI Speed      : " or the S3's "Boot SPI Speed : ".</summary>
    public string SpeedLabel { get; init; } = "SPI Speed      : ";

    public required (uint Low, uint High)[] MappedRanges { get; init; }

    public int CpuFrequencyHz { get; init; } = 160_000_000;

    /// <summary>CONFIG_ESP_REV_MAX_FULL used when the app header says "no maximum" (0xFFFF).</summary>
    public int DefaultMaxChipRevisionFull { get; init; } = 99;

    public bool Maps(uint address)
    {
        foreach (var (low, high) in MappedRanges)
        {
            if (address >= low && address < high)
            {
                return true;
            }
        }

        return false;
    }

    public static ChipBootFacts For(ChipSpec chip)
    {
        ArgumentNullException.ThrowIfNull(chip);
        string tag = "boot." + chip.Key;
        return chip.Kind switch
        {
            ChipKind.Esp32 => new()
            {
                Tag = tag, DualCore = true, PrintsEfuseBlockRevision = false, DefaultMaxChipRevisionFull = 399,
                MappedRanges = [(0x400D_0000, 0x4040_0000), (0x3F40_0000, 0x3F80_0000)],
            },
            ChipKind.Esp32S3 => new()
            {
                Tag = tag, DualCore = true, PrintsEfuseBlockRevision = true, SpeedLabel = "Boot SPI Speed : ",
                MappedRanges = [(0x4200_0000, 0x4400_0000), (0x3C00_0000, 0x3E00_0000)],
            },
            ChipKind.Esp32C3 => new()
            {
                Tag = tag, DualCore = false, PrintsEfuseBlockRevision = true,
                MappedRanges = [(0x4200_0000, 0x4280_0000), (0x3C00_0000, 0x3C80_0000)],
            },

            // Assumed from the chips' memory maps.
            ChipKind.Esp32S2 => new()
            {
                Tag = tag, DualCore = false, PrintsEfuseBlockRevision = true,
                MappedRanges = [(0x4008_0000, 0x4080_0000), (0x3F00_0000, 0x3FF8_0000)],
            },
            ChipKind.Esp32C2 => new()
            {
                Tag = tag, DualCore = false, PrintsEfuseBlockRevision = true, CpuFrequencyHz = 120_000_000,
                MappedRanges = [(0x4200_0000, 0x4240_0000), (0x3C00_0000, 0x3C40_0000)],
            },
            ChipKind.Esp32H2 => new()
            {
                Tag = tag, DualCore = false, PrintsEfuseBlockRevision = true, CpuFrequencyHz = 96_000_000,
                MappedRanges = [(0x4200_0000, 0x4300_0000)],
            },
            ChipKind.Esp32P4 => new()
            {
                Tag = tag, DualCore = true, PrintsEfuseBlockRevision = true, CpuFrequencyHz = 360_000_000,
                MappedRanges = [(0x4000_0000, 0x4C00_0000)],
            },
            _ => new()
            {
                Tag = tag, DualCore = false, PrintsEfuseBlockRevision = true,
                MappedRanges = [(0x4200_0000, 0x4300_0000)],
            },
        };
    }

    /// <summary>"v3.99" from 399.</summary>
    public static string Revision(int full) => $"v{full / 100}.{full % 100}";
}
