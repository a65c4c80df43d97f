using static Station.Flashing.Efuse.Esp32EfuseRegisters;

namespace Station.Flashing.Efuse;

/// <summary>What the burner reads before deciding: BLOCK0 words 0 (WR_DIS, RD_DIS) and 6 (CODING_SCHEME), and BLOCK3.</summary>
public sealed record Esp32EfuseState(uint Block0Word0, uint Block0Word6, EfuseWords Block3)
{
    public EfuseCodingScheme CodingScheme => (Block0Word6 & 0x3) switch
    {
        1 => EfuseCodingScheme.ThreeQuarters,
        2 => EfuseCodingScheme.Repeat,
        _ => EfuseCodingScheme.None,
    };

    public bool Block3WriteProtected => (Block0Word0 & WrDisBlock3) != 0;

    public bool Block3ReadProtected => (Block0Word0 & RdDisBlock3) != 0;

    public bool CodingSchemeReadProtected => (Block0Word0 & RdDisBlock0Fields) != 0;
}
