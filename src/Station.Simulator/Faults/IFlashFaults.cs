namespace Station.Simulator.Faults;

/// <summary>
/// Hook points around the flash writes the loaders make for a host (program errors, bit flips, power
/// lost mid-write, slow erase). Programming done outside the loaders (test set-up, returned boards, the
/// 2nd-stage bootloader's otadata write) does not pass through here.
/// </summary>
public interface IFlashFaults
{
    /// <summary>A host flash write (FLASH_BEGIN / FLASH_DEFL_BEGIN) of <paramref name="size"/> bytes at <paramref name="offset"/> starts.</summary>
    void WriteStarted(uint offset, uint size);

    /// <summary>What happens when a loader programs <paramref name="length"/> bytes at <paramref name="address"/>.</summary>
    ProgramFault Programming(uint address, int length);

    /// <summary>A bit that changes once the program was done and read back (a weak or disturbed cell), or null.</summary>
    CellFlip? AfterProgram(uint address, ReadOnlySpan<byte> data);

    /// <summary>How long an erase of <paramref name="bytes"/> at <paramref name="address"/> takes, given the datasheet figure.</summary>
    TimeSpan EraseTime(uint address, uint bytes, TimeSpan datasheet);
}

/// <summary>What a program operation suffers.</summary>
public enum ProgramFaultKind
{
    None,

    /// <summary>The flash reports a failed program; no cell changes.</summary>
    Rejected,

    /// <summary>Power goes away after <see cref="ProgramFault.BytesBefore"/> bytes; the rest is not written.</summary>
    PowerCut,
}

/// <param name="BytesBefore">For <see cref="ProgramFaultKind.PowerCut"/>: how many leading bytes still got programmed.</param>
public readonly record struct ProgramFault(ProgramFaultKind Kind, int BytesBefore = 0)
{
    public static readonly ProgramFault None = new(ProgramFaultKind.None);
}

/// <summary>Bits of one flash byte that flip: the cell at <paramref name="Address"/> becomes <c>cell XOR Mask</c>.</summary>
public readonly record struct CellFlip(uint Address, byte Mask);
