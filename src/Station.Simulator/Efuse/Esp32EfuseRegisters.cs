namespace Station.Simulator.Efuse;

/// <summary>
/// The ESP32 (original) eFuse controller's register window, named as in IDF's <c>efuse_reg.h</c>
/// (esp-idf-images-and-efuse.md §1.1, §1.2).
/// </summary>
internal static class Esp32EfuseRegisters
{
    public const uint DR_REG_EFUSE_BASE = 0x3FF5_A000;

    /// <summary>The controller decodes 512 bytes; everything in it that is not a register reads 0.</summary>
    public const uint WindowSize = 0x200;

    public const uint EFUSE_BLK0_RDATA0_REG = DR_REG_EFUSE_BASE + 0x000;
    public const uint EFUSE_BLK0_WDATA0_REG = DR_REG_EFUSE_BASE + 0x01C;
    public const uint EFUSE_BLK1_RDATA0_REG = DR_REG_EFUSE_BASE + 0x038;
    public const uint EFUSE_BLK2_RDATA0_REG = DR_REG_EFUSE_BASE + 0x058;
    public const uint EFUSE_BLK3_RDATA0_REG = DR_REG_EFUSE_BASE + 0x078;
    public const uint EFUSE_BLK1_WDATA0_REG = DR_REG_EFUSE_BASE + 0x098;
    public const uint EFUSE_BLK2_WDATA0_REG = DR_REG_EFUSE_BASE + 0x0B8;
    public const uint EFUSE_BLK3_WDATA0_REG = DR_REG_EFUSE_BASE + 0x0D8;
    public const uint EFUSE_CLK_REG = DR_REG_EFUSE_BASE + 0x0F8;
    public const uint EFUSE_CONF_REG = DR_REG_EFUSE_BASE + 0x0FC;
    public const uint EFUSE_STATUS_REG = DR_REG_EFUSE_BASE + 0x100;
    public const uint EFUSE_CMD_REG = DR_REG_EFUSE_BASE + 0x104;
    public const uint EFUSE_INT_RAW_REG = DR_REG_EFUSE_BASE + 0x108;
    public const uint EFUSE_INT_ST_REG = DR_REG_EFUSE_BASE + 0x10C;
    public const uint EFUSE_INT_ENA_REG = DR_REG_EFUSE_BASE + 0x110;
    public const uint EFUSE_INT_CLR_REG = DR_REG_EFUSE_BASE + 0x114;
    public const uint EFUSE_DAC_CONF_REG = DR_REG_EFUSE_BASE + 0x118;
    public const uint EFUSE_DEC_STATUS_REG = DR_REG_EFUSE_BASE + 0x11C;
    public const uint EFUSE_DATE_REG = DR_REG_EFUSE_BASE + 0x1FC;

    public const uint EFUSE_READ_OP_CODE = 0x5AA5;
    public const uint EFUSE_PGM_OP_CODE = 0x5A5A;
    public const uint EFUSE_READ_CMD = 0x1;
    public const uint EFUSE_PGM_CMD = 0x2;

    /// <summary>CLK reset value: CLK_SEL0 = 82, CLK_SEL1 = 64 (§1.1).</summary>
    public const uint ClkReset = 82 | (64 << 8);

    /// <summary>CONF reset value: FORCE_NO_WR_RD_DIS (bit 16) = 1 per IDF's header (§1.1).</summary>
    public const uint ConfReset = 1u << 16;

    /// <summary>DAC_CONF reset value: DAC_CLK_DIV = 40 (§1.1).</summary>
    public const uint DacConfReset = 40;

    /// <summary>EFUSE_DATE as Espressif's QEMU model of this controller returns it; the reference gives no value.</summary>
    public const uint DateValue = 0x1604_2600;

    public static ReadOnlySpan<uint> RdataBlockStart => [EFUSE_BLK0_RDATA0_REG, EFUSE_BLK1_RDATA0_REG, EFUSE_BLK2_RDATA0_REG, EFUSE_BLK3_RDATA0_REG];

    public static ReadOnlySpan<uint> WdataBlockStart => [EFUSE_BLK0_WDATA0_REG, EFUSE_BLK1_WDATA0_REG, EFUSE_BLK2_WDATA0_REG, EFUSE_BLK3_WDATA0_REG];

    public static bool InWindow(uint address) => address - DR_REG_EFUSE_BASE < WindowSize;

    /// <summary>Which block's RDATA (or WDATA) word <paramref name="address"/> is, if any.</summary>
    public static bool TryLocate(uint address, ReadOnlySpan<uint> blockStarts, out int block, out int word)
    {
        for (block = 0; block < Esp32EfuseArray.BlockCount; block++)
        {
            uint offset = address - blockStarts[block];
            if (offset % 4 == 0 && offset / 4 < (uint)Esp32EfuseArray.WordCount(block))
            {
                word = (int)(offset / 4);
                return true;
            }
        }

        word = 0;
        return false;
    }
}
