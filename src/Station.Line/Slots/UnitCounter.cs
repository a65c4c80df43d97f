namespace Station.Line.Slots;

/// <summary>Hands out unit numbers across all slots, up to the job's limit.</summary>
internal sealed class UnitCounter(int? limit)
{
    private readonly CancellationTokenSource _allClaimed = new();
    private int _claimed;

    /// <summary>Cancelled when the last unit of a limited job has been claimed (never for an unlimited job).</summary>
    public CancellationToken AllClaimed => _allClaimed.Token;

    public bool TryClaim(out int unit)
    {
        unit = Interlocked.Increment(ref _claimed);
        if (limit is { } max && unit > max)
        {
            Interlocked.Decrement(ref _claimed);
            unit = 0;
            return false;
        }

        if (limit is { } last && unit == last)
        {
            // Not inline: the watcher of appearing slots would run on this worker's thread.
            _ = _allClaimed.CancelAsync();
        }

        return true;
    }

    public bool Exhausted => limit is { } max && Volatile.Read(ref _claimed) >= max;
}
