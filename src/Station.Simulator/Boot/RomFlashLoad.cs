using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Station.Protocol.Chips;
using Station.Protocol.Images;
using Station.Simulator.Flash;

namespace Station.Simulator.Boot;

/// <summary>
/// The ROM's part of a flash boot (esp-idf-images-and-efuse.md §4.1, §4.2): if the word at the
/// chip's bootloader offset is not an image header it prints <c>invalid header: 0x%08x</c> with that
/// word (erased flash → 0xffffffff) and goes no further; otherwise one <c>load:</c> line per
/// bootloader segment (decimal lengths on the ESP32, hex on newer chips) and the entry point.
/// The real ROM repeats "invalid header" until a watchdog resets it; we print it once and stay
/// silent (<see cref="FlashBoot"/>).
/// </summary>
public static class RomFlashLoad
{
    /// <summary>What the ROM printed and, when it got that far, the bootloader image it loaded.</summary>
    public sealed record Result(string Text, EspImage? Bootloader);

    public static Result Load(ChipSpec chip, NorFlash flash)
    {
        ArgumentNullException.ThrowIfNull(chip);
        ArgumentNullException.ThrowIfNull(flash);
        uint offset = chip.BootloaderOffset;
        var head = new byte[4];
        flash.Read(offset, head);
        uint word = BinaryPrimitives.ReadUInt32LittleEndian(head);
        if (head[0] != EspImage.Magic)
        {
            return new Result(InvalidHeader(word), null);
        }

        int window = (int)Math.Min(64 * 1024, flash.Size - offset);
        byte[] image = flash.Read(offset, window);
        bool extended = chip.Kind != ChipKind.Esp8266;
        if (!EspImage.TryParse(image, extended, out EspImage? parsed) || parsed is null)
        {
            return new Result(InvalidHeader(word), null);
        }

        string text = chip.Kind switch
        {
            ChipKind.Esp8266 => Esp8266Log(parsed),
            ChipKind.Esp32 => Esp32Log(parsed),
            _ => NewerLog(parsed),
        };
        return new Result(text, parsed);
    }

    /// <summary>SPI mode names as the ROM and the bootloader print them.</summary>
    public static string ModeName(byte mode) => mode switch
    {
        0 => "QIO",
        1 => "QOUT",
        2 => "DIO",
        3 => "DOUT",
        4 => "FAST READ",
        5 => "SLOW READ",
        _ => "DIO",
    };

    private static string InvalidHeader(uint word) => $"invalid header: 0x{word.ToString("x8", CultureInfo.InvariantCulture)}\r\n";

    private static string Esp32Log(EspImage image)
    {
        var text = new StringBuilder();
        text.Append("configsip: 0, SPIWP:0xee\r\n");
        text.Append("clk_drv:0x00,q_drv:0x00,d_drv:0x00,cs0_drv:0x00,hd_drv:0x00,wp_drv:0x00\r\n");
        text.Append(CultureInfo.InvariantCulture, $"mode:{ModeName(image.FlashMode)}, clock div:{ClockDivider(image.FlashFrequencyCode)}\r\n");
        foreach (var segment in image.Segments)
        {
            text.Append(CultureInfo.InvariantCulture, $"load:0x{segment.LoadAddress:x8},len:{segment.Length}\r\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"entry 0x{image.Entry:x8}\r\n");
        return text.ToString();
    }

    private static string NewerLog(EspImage image)
    {
        var text = new StringBuilder();
        text.Append("SPIWP:0xee\r\n");
        text.Append(CultureInfo.InvariantCulture, $"mode:{ModeName(image.FlashMode)}, clock div:1\r\n");
        foreach (var segment in image.Segments)
        {
            text.Append(CultureInfo.InvariantCulture, $"load:0x{segment.LoadAddress:x8},len:0x{segment.Length:x}\r\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"entry 0x{image.Entry:x8}\r\n");
        return text.ToString();
    }

    private static string Esp8266Log(EspImage image)
    {
        var text = new StringBuilder();
        foreach (var segment in image.Segments)
        {
            text.Append(CultureInfo.InvariantCulture, $"load 0x{segment.LoadAddress:x8}, len {segment.Length}, room 16 \r\n");
        }

        return text.ToString();
    }

    /// <summary>ESP32 SPI clock divider printed by the ROM: 80 MHz → 1, 40 → 2, 26.7 → 3, 20 → 4.</summary>
    private static int ClockDivider(byte frequencyCode) => frequencyCode switch
    {
        0xF => 1,
        0x1 => 3,
        0x2 => 4,
        _ => 2,
    };
}
