namespace Station.Simulator.Faults;

/// <summary>Hook point for the port a board is served on (another program holding it).</summary>
public interface IPortFaults
{
    /// <summary>Until when another program holds the board's port (counted from the board entering its slot); null when nobody does.</summary>
    DateTimeOffset? HeldUntil { get; }
}
