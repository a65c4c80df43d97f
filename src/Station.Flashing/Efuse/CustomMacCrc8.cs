namespace Station.Flashing.Efuse;

/// <summary>CRC-8/MAXIM (reflected 0x8C, init 0, no final XOR) of the six MAC bytes, as the ESP32 ROM checks it (§1.7).</summary>
internal static class CustomMacCrc8
{
    public static byte Compute(ReadOnlySpan<byte> mac)
    {
        byte crc = 0;
        foreach (byte b in mac)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (byte)((crc >> 1) ^ 0x8C) : (byte)(crc >> 1);
            }
        }

        return crc;
    }
}
