using Station.Flashing.Errors;
using Station.Traceability;

namespace Station.Line.Slots;

/// <summary>Units finished so far, by final result (a unit's last attempt decides).</summary>
public sealed class JobTally
{
    private int _passed;
    private int _failed;
    private int _interrupted;

    public int Passed => Volatile.Read(ref _passed);

    public int Failed => Volatile.Read(ref _failed);

    public int Interrupted => Volatile.Read(ref _interrupted);

    public int Units => Passed + Failed + Interrupted;

    /// <summary>The failure that halted the line before its units were done (see <see cref="LineErrors.HaltsLine"/>), or null.</summary>
    public FlashError? HaltedBy { get; internal set; }

    internal void Count(UnitResult result)
    {
        switch (result)
        {
            case UnitResult.Pass:
                Interlocked.Increment(ref _passed);
                break;
            case UnitResult.Fail:
                Interlocked.Increment(ref _failed);
                break;
            default:
                Interlocked.Increment(ref _interrupted);
                break;
        }
    }
}
