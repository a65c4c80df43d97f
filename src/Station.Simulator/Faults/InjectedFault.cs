namespace Station.Simulator.Faults;

/// <summary>
/// One fault the simulator actually injected on a board: the ground truth a chaos test compares the
/// station's diagnosis with.
/// </summary>
/// <param name="Kind">The spec name (<c>ram-corrupt</c>, <c>brownout</c>, …).</param>
/// <param name="Activity">What the device was doing (<c>RomLoader</c>, <c>Stub</c>, …), when known.</param>
/// <param name="Command">The command being handled (wire name, e.g. <c>MemData</c>), when the fault hit one.</param>
/// <param name="Address">The flash address concerned, for flash faults.</param>
/// <param name="Offset">Where in a byte stream: the host byte index for wire faults, the payload offset for RAM blocks.</param>
public sealed record InjectedFault(string Kind, DateTimeOffset At, string? Activity, string? Command, uint? Address, long? Offset, string Detail);
