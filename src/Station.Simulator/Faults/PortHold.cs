namespace Station.Simulator.Faults;

/// <summary>
/// <c>busy</c>: another program holds the board's port for <paramref name="busyFor"/>, from the moment the hosting
/// layer first serves the board (its pty appears, or the first client knocks on its TCP port) — so the window
/// cannot run out while a loaded machine is still starting the fleet, and the first open always meets it.
/// </summary>
internal sealed class PortHold(TimeSpan? busyFor, TimeProvider time) : IPortFaults
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _until;

    public DateTimeOffset? HeldUntil
    {
        get
        {
            if (busyFor is not { } duration)
            {
                return null;
            }

            lock (_gate)
            {
                return _until ??= time.GetUtcNow() + duration;
            }
        }
    }
}
