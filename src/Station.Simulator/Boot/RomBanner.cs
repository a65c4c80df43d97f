using System.Globalization;
using Station.Protocol.Chips;

namespace Station.Simulator.Boot;

/// <summary>
/// The first text a ROM prints after reset (esp-idf-images-and-efuse.md §4.1, esp-serial-protocol.md §7).
/// ESP32: <c>ets Jun  8 2016 00:22:57</c>, a blank line, <c>rst:0x1 (POWERON_RESET),boot:0x3 (...)</c>.
/// ESP32-S2 and newer: <c>ESP-ROM:&lt;id&gt;</c>, <c>Build:&lt;date&gt;</c>, <c>rst:0x1 (POWERON),boot:0x.. (...)</c>.
/// Download mode adds <c>waiting for download</c>, which is what clients search the boot log for.
/// The ESP8266 prints <c>ets Jan  8 2013,rst cause:N, boot mode:(M,7)</c> at 74880 baud.
/// Newer ROMs add <c>Saved PC:0x…</c> after a software reset (real S3/C3 logs); we print it on flash
/// boots only, and its value (an address in the 2nd-stage bootloader's IRAM, where the reset came from)
/// is assumed. Only the ESP32, S3 and C3 texts come from real logs; the other ROM ids and strap values
/// follow the same shape and are marked as assumed below.
/// A brownout is reset cause 0xf, named as real logs name it: ESP32 <c>RTCWDT_BROWN_OUT_RESET</c>
/// (espressif/esp-idf#10834), ESP32-S2 <c>BROWN_OUT_RST</c> (esp-idf#8265), ESP32-C3/S3 <c>BROWNOUT_RST</c>
/// (wled/WLED#3385, esp-rs/esp-hal#3102; assumed for the other newer chips). The ESP8266 has no brownout
/// cause in its ROM banner; a dip resets it like power-on (assumed).
/// </summary>
public static class RomBanner
{
    /// <summary>The rate the ESP8266 ROM prints its banner at (26 MHz crystal × 115200 / 40 MHz).</summary>
    public const int Esp8266BannerBaud = 74880;

    public static string For(ChipSpec chip, BootMode mode, ResetCause cause)
    {
        if (chip.Kind == ChipKind.Esp8266)
        {
            int rstCause = cause is ResetCause.PowerOn or ResetCause.Brownout ? 1 : 2;
            return $"\r\n ets Jan  8 2013,rst cause:{rstCause}, boot mode:({(mode == BootMode.Download ? 1 : 3)},7)\r\n\r\n";
        }

        if (chip.Kind == ChipKind.Esp32)
        {
            string reset = cause switch
            {
                ResetCause.SoftwareReset => "rst:0x3 (SW_RESET)",
                ResetCause.Brownout => "rst:0xf (RTCWDT_BROWN_OUT_RESET)",
                _ => "rst:0x1 (POWERON_RESET)",
            };
            string boot = mode == BootMode.Download
                ? "boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download\r\n"
                : "boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n";
            return $"ets Jun  8 2016 00:22:57\r\n\r\n{reset},{boot}";
        }

        var rom = Newer(chip.Kind);
        string resetName = cause switch
        {
            ResetCause.SoftwareReset => "rst:0x3 (RTC_SW_SYS_RST)",
            ResetCause.Brownout => chip.Kind == ChipKind.Esp32S2 ? "rst:0xf (BROWN_OUT_RST)" : "rst:0xf (BROWNOUT_RST)",
            _ => "rst:0x1 (POWERON)",
        };
        string bootText = mode == BootMode.Download
            ? $"boot:{Hex(rom.DownloadStrap)} ({rom.DownloadName})\r\nwaiting for download\r\n"
            : $"boot:{Hex(rom.FlashStrap)} (SPI_FAST_FLASH_BOOT)\r\n";
        if (mode == BootMode.Flash && cause == ResetCause.SoftwareReset)
        {
            bootText += $"Saved PC:0x{rom.SavedPc.ToString("x8", CultureInfo.InvariantCulture)}\r\n";
        }
        return $"ESP-ROM:{rom.Id}\r\nBuild:{rom.Build}\r\n{resetName},{bootText}";
    }

    private static string Hex(int value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    private static NewerRom Newer(ChipKind kind) => kind switch
    {
        // Real logs (GhostESP-Revival/GhostESP#374, Xinyuan-LilyGO/LilyGo-LoRa-Series#172).
        ChipKind.Esp32S3 => new("esp32s3-20210327", "Mar 27 2021", 0x22, "DOWNLOAD(USB/UART0)", 0x8, 0x403C_D9F6),

        // Real log (thelastoutpostworkshop/ESP32PartitionBuilder#5) for the header and flash strap.
        ChipKind.Esp32C3 => new("esp32c3-api1-20210207", "Feb  7 2021", 0x5, "DOWNLOAD(USB/UART0/1)", 0xc, 0x403C_F37E),

        // Assumed: ROM ids and strap values of the remaining chips follow the same shape.
        ChipKind.Esp32S2 => new("esp32s2-rc4-20191025", "Oct 25 2019", 0x0, "DOWNLOAD(USB/UART0/1)", 0x8, 0x4002_6B34),
        ChipKind.Esp32C2 => new("esp8684-api2-20220127", "Jan 27 2022", 0x5, "DOWNLOAD(UART0)", 0xc, 0x4038_E2B0),
        ChipKind.Esp32C6 => new("esp32c6-20220919", "Sep 19 2022", 0x4, "DOWNLOAD(USB/UART/SDIO_REI_REO)", 0xc, 0x4084_E1C6),
        ChipKind.Esp32H2 => new("esp32h2-20221101", "Nov  1 2022", 0x4, "DOWNLOAD(USB/UART0)", 0xc, 0x4083_E1C6),
        _ => new(kind.ToString().ToLowerInvariant(), "unknown", 0x4, "DOWNLOAD(USB/UART0)", 0xc, 0x4084_E1C6),
    };

    private sealed record NewerRom(string Id, string Build, int DownloadStrap, string DownloadName, int FlashStrap, uint SavedPc);
}
