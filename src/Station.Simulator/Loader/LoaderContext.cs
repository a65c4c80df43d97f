using Station.Protocol.Chips;
using Station.Simulator.Device;
using Station.Simulator.Faults;
using Station.Simulator.Flash;
using Station.Simulator.Registers;
using Station.Simulator.Timing;
using Station.Simulator.Wire;

namespace Station.Simulator.Loader;

/// <summary>What the ROM loader and the stub share for one boot of the chip.</summary>
internal sealed class LoaderContext
{
    public LoaderContext(ChipSpec chip, SerialWire wire, RegisterFile registers, FlashContext flash, FaultPlan faults, Action<DeviceActivity, string> report)
    {
        Faults = faults;
        Chip = chip;
        Wire = wire;
        Registers = registers;
        Flash = flash;
        Report = report;
    }

    public ChipSpec Chip { get; }

    public SerialWire Wire { get; }

    public RegisterFile Registers { get; }

    public FlashContext Flash { get; }

    public FaultPlan Faults { get; }

    public DeviceClock Clock => Flash.Clock;

    public Action<DeviceActivity, string> Report { get; }

    /// <summary>Code uploaded with MEM_* since this boot.</summary>
    public RamUpload Ram { get; } = new();
}
