namespace Station.Line.Fixtures;

/// <summary>
/// Slots that appear while a job runs — a fixture's port plugged in after the start. The runner starts
/// a worker for each one it yields; a slot whose port goes away again is not taken back: its worker waits
/// (parked, asking for a board) until the port returns.
/// </summary>
public interface ISlotSource
{
    /// <summary>Yields each new slot once, as it appears, until <paramref name="cancellationToken"/> fires.</summary>
    IAsyncEnumerable<ISlotFixture> AppearingAsync(CancellationToken cancellationToken);
}
