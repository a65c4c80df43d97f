namespace Station.Simulator.Faults;

/// <summary><c>busy</c>: another program holds the board's port until <see cref="HeldUntil"/>.</summary>
internal sealed class PortHold(DateTimeOffset? heldUntil) : IPortFaults
{
    public DateTimeOffset? HeldUntil => heldUntil;
}
