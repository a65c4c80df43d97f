using Station.Simulator.Faults;
using Station.Simulator.Timing;

namespace Station.Simulator.Flash;

/// <summary>What a flash writer works with: the chip, its timing, its faults, the board's power, the device clock.</summary>
internal sealed record FlashContext(NorFlash Flash, FlashTiming Timing, IFlashFaults Faults, IBootFaults Power, DeviceClock Clock)
{
    /// <summary>True once power went away mid-write: nothing more is erased or programmed until the next boot.</summary>
    public bool PoweredDown => Power.PoweredDown;

    public ValueTask SpendAsync(TimeSpan busy, CancellationToken cancellationToken) => Clock.SpendAsync(busy, cancellationToken);

    /// <summary>Programs <paramref name="data"/> for a loader, through the flash faults.</summary>
    public ProgramOutcome Program(uint address, ReadOnlySpan<byte> data)
    {
        ProgramFault fault = Faults.Programming(address, data.Length);
        switch (fault.Kind)
        {
            case ProgramFaultKind.Rejected:
                return ProgramOutcome.Failed;
            case ProgramFaultKind.PowerCut:
                Flash.Program(address, data[..fault.BytesBefore]);
                return ProgramOutcome.PowerLost;
        }

        bool exact = Flash.Program(address, data);

        // After the loader's read-back: a flip here is only seen by a later read (MD5).
        if (Faults.AfterProgram(address, data) is { } flip)
        {
            Flash.Flip(flip.Address, flip.Mask);
        }

        return exact ? ProgramOutcome.Exact : ProgramOutcome.Mismatch;
    }
}

/// <summary>How a loader's program operation ended.</summary>
internal enum ProgramOutcome
{
    /// <summary>The cells hold exactly the data.</summary>
    Exact,

    /// <summary>Programmed, but the cells differ (written over unerased data): a read-back sees it.</summary>
    Mismatch,

    /// <summary>The flash reported a failed program; nothing was written.</summary>
    Failed,

    /// <summary>Power went away part way (brownout, unplug).</summary>
    PowerLost,
}
