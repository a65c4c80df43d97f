using Station.Protocol.Chips;

namespace Station.Simulator.Registers;

/// <summary>
/// Encodes a MAC address into the eFuse words a chip's ROM exposes (esp-serial-protocol.md §10.2,
/// esp-idf-images-and-efuse.md §1.5/§1.11). The inverse of what esptool reads:
/// <list type="bullet">
/// <item>ESP32: word1 = MAC[2..5] big-endian; word2 = CRC8 &lt;&lt; 16 | MAC[0] &lt;&lt; 8 | MAC[1].</item>
/// <item>ESP32-S2 and newer: BLOCK1 word0 = MAC[2..5], word1 = MAC[0] &lt;&lt; 8 | MAC[1]; on ESP32-C6/H2
/// word1's top half carries the two EUI-64 extension bytes (FF FE, the standard MAC-48 → EUI-64 filler).</item>
/// <item>ESP8266: OUI 18:FE:34 is selected by m3 = 0 and m1 bits 16–23 = 0; m1 = MAC[3] &lt;&lt; 8 | MAC[4];
/// m0 bits 24–31 = MAC[5].</item>
/// </list>
/// </summary>
public static class MacEfuseWords
{
    /// <summary>The OUI the ESP8266 encoding can express with m3 = 0.</summary>
    public static ReadOnlySpan<byte> Esp8266Oui => [0x18, 0xFE, 0x34];

    /// <summary>Register address → value for every MAC-bearing eFuse word of <paramref name="chip"/>.</summary>
    public static IReadOnlyDictionary<uint, uint> Encode(ChipSpec chip, MacAddress mac)
    {
        byte[] m = mac.GetBytes();
        var words = new Dictionary<uint, uint>();
        if (chip.Mac.Esp8266Mac3 is { } mac3)
        {
            if (!m.AsSpan(0, 3).SequenceEqual(Esp8266Oui))
            {
                throw new ArgumentException($"An ESP8266 MAC must start with 18:FE:34; {mac} cannot be encoded.", nameof(mac));
            }

            words[chip.Mac.Mac0] = (uint)m[5] << 24;
            words[chip.Mac.Mac1] = ((uint)m[3] << 8) | m[4];
            words[mac3] = 0;
            return words;
        }

        uint low = ((uint)m[2] << 24) | ((uint)m[3] << 16) | ((uint)m[4] << 8) | m[5];
        uint high = ((uint)m[0] << 8) | m[1];
        if (chip.Kind == ChipKind.Esp32)
        {
            high |= (uint)MacCrc8.Compute(m) << 16;
        }
        else if (chip.Mac.HasEui64)
        {
            high |= 0xFFFE_0000;
        }

        words[chip.Mac.Mac0] = low;
        words[chip.Mac.Mac1] = high;
        return words;
    }
}
