namespace Station.Line.Slots;

/// <summary>Hands out unit numbers across all slots, up to the job's limit.</summary>
internal sealed class UnitCounter(int? limit)
{
    private int _claimed;

    public bool TryClaim(out int unit)
    {
        unit = Interlocked.Increment(ref _claimed);
        if (limit is { } max && unit > max)
        {
            Interlocked.Decrement(ref _claimed);
            unit = 0;
            return false;
        }

        return true;
    }

    public bool Exhausted => limit is { } max && Volatile.Read(ref _claimed) >= max;
}
