using Station.Protocol.Chips;

namespace Station.Cli.Demo;

/// <summary>One segment of a demo image: load address and length (a multiple of 4).</summary>
internal readonly record struct DemoSegment(uint LoadAddress, int Length);

/// <summary>
/// Where a chip's bootloader and app put their segments, after real builds (esp-idf-images-and-efuse.md
/// §3.2, §4.1): the bootloader's <c>load:</c> segments and entry as the ROM prints them, and the app's
/// DROM (descriptor first), DRAM, IRAM, IROM and IRAM tail. The first IRAM part is sized so that
/// IROM data starts at the next 64 KiB boundary + 0x20, as esptool's elf2image arranges it, so each
/// flash-mapped segment sits at the same offset within its MMU page as its load address.
/// </summary>
internal sealed record DemoLayout(
    DemoSegment[] Bootloader,
    uint BootloaderEntry,
    byte BootloaderSizeFrequency,
    uint Drom,
    uint Dram,
    uint Iram,
    uint Irom,
    uint AppEntry,
    byte AppSizeFrequency)
{
    public const int DromLength = 51_360;
    public const int DramLength = 9_056;
    public const int IromLength = 86_840;
    public const int IramTailLength = 11_796;

    public static DemoLayout For(ChipSpec chip) => chip.Kind switch
    {
        // ESP32, IDF v4.4/v5.x bootloader shape (Edzelf/ESP32-pdp8-simulator#2); 4MB, 40 MHz.
        ChipKind.Esp32 => new(
            [new(0x3FFF_0030, 7_176), new(0x4007_8000, 15_564), new(0x4008_0400, 4), new(0x4008_0404, 3_904)], 0x4008_0640, 0x20,
            Drom: 0x3F40_0020, Dram: 0x3FFB_0000, Iram: 0x4008_0000, Irom: 0x400D_0020, AppEntry: 0x4008_11A8, AppSizeFrequency: 0x20),

        // ESP32-S3 bootloader shape (schreibfaul1/ESP32-MiniWebRadio#736); 4MB, 80 MHz.
        ChipKind.Esp32S3 => new(
            [new(0x3FCE_2820, 0x1140), new(0x403C_8700, 0xC28), new(0x403C_B700, 0x2FB0)], 0x403C_88B8, 0x2F,
            Drom: 0x3C03_0020, Dram: 0x3FC9_2D00, Iram: 0x4037_4000, Irom: 0x4200_0020, AppEntry: 0x4037_5A48, AppSizeFrequency: 0x2F),

        // ESP32-C3 shape (reference §4.1) and, assumed, every other chip; 4MB, 80 MHz.
        _ => new(
            [new(0x3FCD_5820, 0x1174), new(0x403C_C710, 0xB9C), new(0x403C_E710, 0x2E00)], 0x403C_C71A, 0x2F,
            Drom: 0x3C03_0020, Dram: 0x3FC8_C000, Iram: 0x4038_0000, Irom: 0x4200_0020, AppEntry: 0x4038_05CA, AppSizeFrequency: 0x2F),
    };

    /// <summary>
    /// The first IRAM part's length: header (24) + four segment headers (8 each) + DROM + DRAM + IRAM
    /// must bring the IROM data to 0x20020 (ESP32-family header; the ESP8266 header is 16 bytes shorter).
    /// </summary>
    public static int IramHeadLength(int headerLength) => 0x2_0020 - headerLength - (4 * 8) - DromLength - DramLength;
}
