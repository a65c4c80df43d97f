namespace Station.Simulator.Efuse;

/// <summary>
/// What the WR_DIS and RD_DIS bits of BLOCK0 word 0 cover (esp-idf-images-and-efuse.md §1.5, §1.8;
/// field ↔ bit assignments as espefuse's <c>esp32.yaml</c> lists them). Fields the yaml gives no
/// write-disable bit (chip version, package, reserved bits) stay programmable.
/// </summary>
internal static class Esp32FuseProtection
{
    private const int WrDisBlock1 = 7;

    /// <summary>(WR_DIS bit, BLOCK0 word, bits of that word) for every BLOCK0 field group.</summary>
    private static readonly (int Bit, int Word, uint Mask)[] Block0WriteGroups =
    [
        (0, 0, 0x000F_0000),   // RD_DIS
        (1, 0, 0x0000_FFFF),   // WR_DIS itself
        (2, 0, 0x0FF0_0000),   // FLASH_CRYPT_CNT, UART_DOWNLOAD_DIS
        (3, 1, 0xFFFF_FFFF),   // factory MAC
        (3, 2, 0x00FF_FFFF),   // factory MAC, MAC_CRC
        (3, 3, 0x0000_000B),   // DISABLE_APP_CPU, DISABLE_BT, DIS_CACHE
        (3, 5, 0x00C0_0000),   // VOL_LEVEL_HP_INV
        (4, 4, 0x0000_1FFF),   // CLK8M_FREQ, ADC_VREF
        (5, 4, 0x0001_C000),   // XPD_SDIO_REG/TIEH/FORCE
        (6, 5, 0x000F_FFFF),   // SPI_PAD_CONFIG_CLK/Q/D/CS0
        (10, 3, 0x0000_4000),  // BLK3_PART_RESERVE
        (10, 5, 0xF000_0000),  // FLASH_CRYPT_CONFIG
        (10, 6, 0x0000_0403),  // CODING_SCHEME, KEY_STATUS
        (12, 6, 0x0000_0010),  // ABS_DONE_0
        (13, 6, 0x0000_0020),  // ABS_DONE_1
        (14, 6, 0x0000_0040),  // JTAG_DISABLE
        (15, 6, 0x0000_0384),  // CONSOLE_DEBUG_DISABLE, DISABLE_DL_ENCRYPT/DECRYPT/CACHE
    ];

    /// <summary>RD_DIS bit 3 hides these BLOCK0 fields: CODING_SCHEME, KEY_STATUS, BLK3_PART_RESERVE, FLASH_CRYPT_CONFIG.</summary>
    private static readonly (int Word, uint Mask)[] Block0ReadGroup =
    [
        (3, 0x0000_4000),
        (5, 0xF000_0000),
        (6, 0x0000_0403),
    ];

    public static uint WrDis(uint block0Word0) => block0Word0 & 0xFFFF;

    public static uint RdDis(uint block0Word0) => (block0Word0 >> 16) & 0xF;

    /// <summary>Bits of (<paramref name="block"/>, <paramref name="word"/>) that WR_DIS locks against programming.</summary>
    public static uint WriteLocked(int block, int word, uint wrDis)
    {
        if (block > 0)
        {
            return (wrDis & (1u << (WrDisBlock1 + block - 1))) != 0 ? 0xFFFF_FFFF : 0;
        }

        uint locked = 0;
        foreach (var (bit, w, mask) in Block0WriteGroups)
        {
            if (w == word && (wrDis & (1u << bit)) != 0)
            {
                locked |= mask;
            }
        }

        return locked;
    }

    /// <summary>Bits of (<paramref name="block"/>, <paramref name="word"/>) that RD_DIS makes read back as 0.</summary>
    public static uint ReadHidden(int block, int word, uint rdDis)
    {
        if (block > 0)
        {
            return (rdDis & (1u << (block - 1))) != 0 ? 0xFFFF_FFFF : 0;
        }

        if ((rdDis & 0x8) == 0)
        {
            return 0;
        }

        uint hidden = 0;
        foreach (var (w, mask) in Block0ReadGroup)
        {
            if (w == word)
            {
                hidden |= mask;
            }
        }

        return hidden;
    }
}
