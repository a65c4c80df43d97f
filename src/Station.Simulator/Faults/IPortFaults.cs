namespace Station.Simulator.Faults;

/// <summary>Hook point for the port a board is served on (another program holding it).</summary>
public interface IPortFaults
{
    /// <summary>
    /// Until when another program holds the board's port, or null when nobody does. The window opens the first
    /// time this is read: when the hosting layer first serves the board.
    /// </summary>
    DateTimeOffset? HeldUntil { get; }
}
