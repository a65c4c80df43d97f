using Station.Protocol.Chips;

namespace Station.Simulator.Device;

/// <summary>What a simulated device is doing.</summary>
public enum DeviceActivity
{
    /// <summary>Not attached to any link.</summary>
    Off,

    /// <summary>EN is held low.</summary>
    InReset,

    /// <summary>The ROM serial loader is waiting for commands.</summary>
    RomLoader,

    /// <summary>An uploaded flasher stub is serving commands.</summary>
    Stub,

    /// <summary>The chip booted from flash (or left the loader); it no longer answers the protocol.</summary>
    /// <summary>The chip is booting from flash (ROM, then the 2nd-stage bootloader); the app has not started yet.</summary>
    Booting,

    RunningApp,

    /// <summary>
    /// The flash boot failed: the ROM found no bootloader (silent until reset) or the 2nd-stage
    /// bootloader found nothing bootable (it resets itself and tries again).
    /// </summary>
    BootFailed,

    /// <summary>The CPU jumped to memory without code; silent until reset.</summary>
    Crashed,

    /// <summary>The host side closed the link.</summary>
    Disconnected,
}

/// <summary>One observable step of a device, for logs, the CLI and tests.</summary>
/// <remarks>An event with <see cref="Fault"/> set reports an injected fault; its activity is the one the device was in.</remarks>
public sealed record DeviceEvent(int Index, MacAddress Mac, DeviceActivity Activity, string Detail, DateTimeOffset At)
{
    public Faults.InjectedFault? Fault { get; init; }
}
