using Station.Flashing.Errors;
using Station.Line.Events;
using Station.Line.Jobs;

namespace Station.Line.Slots;

/// <summary>
/// Stops every slot from starting new units when one unit meets a failure no other unit can escape
/// (see <see cref="LineErrors.HaltsLine"/>); units already in flight finish and are recorded.
/// </summary>
internal sealed class LineHalt(LineJob job, CancellationToken stopNewUnits) : IDisposable
{
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(stopNewUnits);
    private FlashError? _cause;

    /// <summary>Cancelled when the station is asked to stop or the line halts.</summary>
    public CancellationToken StopNewUnits => _stop.Token;

    /// <summary>What halted the line, or null.</summary>
    public FlashError? Cause => Volatile.Read(ref _cause);

    /// <summary>Halts the line when <paramref name="error"/> is one that no next unit can escape; true when it did (or already had).</summary>
    public bool HaltIfNeeded(FlashError? error, SlotState slot)
    {
        if (error is null || !LineErrors.HaltsLine(error.Code))
        {
            return false;
        }

        if (Interlocked.CompareExchange(ref _cause, error, null) is null)
        {
            job.Events.On(new LineHalted(job.Time.GetUtcNow(), slot.Number, slot.Fixture.Port, error));
            _stop.Cancel();
        }

        return true;
    }

    public void Dispose() => _stop.Dispose();
}
