using Station.Protocol.Chips;

namespace Station.Simulator.Rom;

/// <summary>
/// The ROM never clears the response's value field: it carries whatever the last command left there
/// (esp-serial-protocol.md §2, §4). After SYNC it holds bytes of the SYNC payload itself: the real
/// ESP32 trace shows <c>07 12 20 55</c> (0x55201207, the payload shifted by one byte); the ESP8266 and
/// the ESP32-C6 traces show <c>07 07 12 20</c> (0x20120707), which we use for every ESP32-S2-and-newer
/// ROM. READ_REG then leaves its result; other commands leave the value alone. Before the first
/// SYNC the field is 0.
/// </summary>
internal static class RomSyncValue
{
    public static uint For(ChipSpec chip) => chip.Kind == ChipKind.Esp32 ? 0x5520_1207u : 0x2012_0707u;
}
