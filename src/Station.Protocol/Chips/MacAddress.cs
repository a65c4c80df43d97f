using System.Globalization;

namespace Station.Protocol.Chips;

/// <summary>A 6-byte MAC address; printed upper-case with colons, the key of every unit record.</summary>
public readonly record struct MacAddress
{
    private readonly ulong _value;

    public MacAddress(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 6)
        {
            throw new ArgumentException("A MAC address has 6 bytes.", nameof(bytes));
        }

        ulong v = 0;
        foreach (byte b in bytes)
        {
            v = (v << 8) | b;
        }

        _value = v;
    }

    public byte[] GetBytes()
    {
        var bytes = new byte[6];
        for (int i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(_value >> (8 * (5 - i)));
        }

        return bytes;
    }

    public override string ToString() => string.Join(':', GetBytes().Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));

    /// <summary>Without separators, e.g. for file names and templates.</summary>
    public string ToCompactString() => Convert.ToHexString(GetBytes());

    public static bool TryParse(string text, out MacAddress mac)
    {
        mac = default;
        string hex = text.Replace(":", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (hex.Length != 12 || !hex.All(Uri.IsHexDigit))
        {
            return false;
        }

        mac = new MacAddress(Convert.FromHexString(hex));
        return true;
    }

    public static MacAddress Parse(string text) =>
        TryParse(text, out var mac) ? mac : throw new FormatException($"'{text}' is not a MAC address (expected AA:BB:CC:DD:EE:FF).");
}

/// <summary>Reads the factory MAC from the chip's eFuse words (esp-serial-protocol.md §10.2).</summary>
public static class MacDecoder
{
    /// <summary>Registers to read, in order, before calling <see cref="Decode"/>.</summary>
    public static uint[] RegistersToRead(ChipSpec chip) =>
        chip.Mac.Esp8266Mac3 is { } mac3 ? [chip.Mac.Mac0, chip.Mac.Mac1, mac3] : [chip.Mac.Mac0, chip.Mac.Mac1];

    /// <summary>Decodes the MAC from the words read at <see cref="RegistersToRead"/>.</summary>
    public static MacAddress Decode(ChipSpec chip, ReadOnlySpan<uint> words)
    {
        uint mac0 = words[0];
        uint mac1 = words[1];
        if (chip.Mac.Esp8266Mac3 is null)
        {
            return new MacAddress([(byte)(mac1 >> 8), (byte)mac1, (byte)(mac0 >> 24), (byte)(mac0 >> 16), (byte)(mac0 >> 8), (byte)mac0]);
        }

        uint mac3 = words[2];
        byte[] oui;
        if (mac3 != 0)
        {
            oui = [(byte)(mac3 >> 16), (byte)(mac3 >> 8), (byte)mac3];
        }
        else
        {
            oui = ((mac1 >> 16) & 0xFF) switch
            {
                0 => [0x18, 0xFE, 0x34],
                1 => [0xAC, 0xD0, 0x74],
                _ => throw new ProtocolException(ProtocolFault.MalformedResponse, "ESP8266 eFuse holds an unknown MAC OUI."),
            };
        }

        return new MacAddress([oui[0], oui[1], oui[2], (byte)(mac1 >> 8), (byte)mac1, (byte)(mac0 >> 24)]);
    }

    /// <summary>ESP32-C6/H2: the EUI-64 built from the MAC and the two extension bytes in mac1's top half.</summary>
    public static byte[]? DecodeEui64(ChipSpec chip, ReadOnlySpan<uint> words)
    {
        if (!chip.Mac.HasEui64)
        {
            return null;
        }

        byte[] mac = Decode(chip, words).GetBytes();
        uint mac1 = words[1];
        return [mac[0], mac[1], mac[2], (byte)(mac1 >> 24), (byte)(mac1 >> 16), mac[3], mac[4], mac[5]];
    }
}
