namespace Station.Line.Slots;

/// <summary>
/// What each slot learned about its baud across jobs: the fastest rung of the ladder that flashed a
/// unit there, with the adapter it was learned on (a slot whose cable or bridge was swapped starts over).
/// Implementations must be thread-safe; slot workers call them concurrently.
/// </summary>
public interface ISlotBaudMemory
{
    /// <summary>The baud a unit last passed at in this slot on this adapter (null adapter: not a known USB bridge); null when nothing was learned.</summary>
    int? Recall(string slotKey, string? adapter);

    /// <summary>A unit passed at <paramref name="baud"/> in this slot.</summary>
    void Learned(string slotKey, string? adapter, int baud);
}
