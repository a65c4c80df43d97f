namespace Station.Flashing.Efuse;

/// <summary>
/// The ESP32 (original) eFuse controller's registers and op codes, named as in IDF's <c>efuse_reg.h</c>
/// (esp-idf-images-and-efuse.md §1.1, §1.2).
/// </summary>
internal static class Esp32EfuseRegisters
{
    public const uint DR_REG_EFUSE_BASE = 0x3FF5_A000;

    public const uint EFUSE_BLK0_RDATA0_REG = DR_REG_EFUSE_BASE + 0x000;
    public const uint EFUSE_BLK0_RDATA6_REG = DR_REG_EFUSE_BASE + 0x018;
    public const uint EFUSE_BLK0_WDATA0_REG = DR_REG_EFUSE_BASE + 0x01C;
    public const uint EFUSE_BLK3_RDATA0_REG = DR_REG_EFUSE_BASE + 0x078;
    public const uint EFUSE_BLK1_WDATA0_REG = DR_REG_EFUSE_BASE + 0x098;
    public const uint EFUSE_BLK2_WDATA0_REG = DR_REG_EFUSE_BASE + 0x0B8;
    public const uint EFUSE_BLK3_WDATA0_REG = DR_REG_EFUSE_BASE + 0x0D8;
    public const uint EFUSE_CLK_REG = DR_REG_EFUSE_BASE + 0x0F8;
    public const uint EFUSE_CONF_REG = DR_REG_EFUSE_BASE + 0x0FC;
    public const uint EFUSE_CMD_REG = DR_REG_EFUSE_BASE + 0x104;
    public const uint EFUSE_DAC_CONF_REG = DR_REG_EFUSE_BASE + 0x118;
    public const uint EFUSE_DEC_STATUS_REG = DR_REG_EFUSE_BASE + 0x11C;

    public const uint EFUSE_READ_OP_CODE = 0x5AA5;
    public const uint EFUSE_PGM_OP_CODE = 0x5A5A;
    public const uint EFUSE_READ_CMD = 0x1;
    public const uint EFUSE_PGM_CMD = 0x2;

    public const int Block0Words = 7;
    public const int BlockWords = 8;

    /// <summary>BLOCK0 word 0: WR_DIS bit 9 write-protects BLOCK3 (§1.6).</summary>
    public const uint WrDisBlock3 = 1u << 9;

    /// <summary>BLOCK0 word 0: RD_DIS bit 2 (word bit 18) read-protects BLOCK3 (§1.6).</summary>
    public const uint RdDisBlock3 = 1u << 18;

    /// <summary>BLOCK0 word 0: RD_DIS bit 3 (word bit 19) hides CODING_SCHEME among other BLOCK0 fields (§1.5).</summary>
    public const uint RdDisBlock0Fields = 1u << 19;

    /// <summary>DEC_STATUS bits [11:8]: BLOCK3's 3/4 decode warnings (§1.1).</summary>
    public const uint DecStatusBlock3 = 0xF00;
}
