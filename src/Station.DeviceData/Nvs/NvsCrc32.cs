namespace Station.DeviceData.Nvs;

/// <summary>
/// The CRC-32 that NVS uses everywhere (nvs-format.md §1): the reflected IEEE polynomial, but the register starts
/// at 0 rather than 0xFFFFFFFF, with the usual final inversion. Check value for "123456789" is 0xD202D277.
/// </summary>
public static class NvsCrc32
{
    private static readonly uint[] s_table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Start, data));

    /// <summary>CRC of two spans as if they were one, e.g. an item header without its CRC field.</summary>
    public static uint Compute(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second) => Finish(Append(Append(Start, first), second));

    private const uint Start = 0;

    private static uint Append(uint register, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            register = s_table[(register ^ b) & 0xFF] ^ (register >> 8);
        }

        return register;
    }

    private static uint Finish(uint register) => register ^ 0xFFFFFFFF;

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
