namespace Station.Simulator.Tests.Support;

/// <summary>
/// Real time, but every timer fires <paramref name="lateness"/> after it was due: a device whose task is
/// scheduled late, as on a machine loaded by parallel builds and test runs. Makes the lateness that used
/// to lose races deterministic.
/// </summary>
internal sealed class LateTimers(TimeSpan lateness) : TimeProvider
{
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, dueTime == Timeout.InfiniteTimeSpan ? dueTime : dueTime + lateness, period);
}
