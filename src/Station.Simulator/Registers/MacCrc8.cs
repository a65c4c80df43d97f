namespace Station.Simulator.Registers;

/// <summary>
/// CRC-8/MAXIM (Dallas 1-Wire): reflected polynomial 0x8C, init 0, no final XOR — the CRC the ESP32
/// ROM stores next to the factory MAC (esp-idf-images-and-efuse.md §1.7).
/// </summary>
public static class MacCrc8
{
    public static byte Compute(ReadOnlySpan<byte> bytes)
    {
        byte crc = 0;
        foreach (byte b in bytes)
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
