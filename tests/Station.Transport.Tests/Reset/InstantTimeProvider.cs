namespace Station.Transport.Tests.Reset;

/// <summary>
/// Fires every timer at once (on the thread pool, as a real timer would) and reports the delay asked
/// for, so a reset sequence runs in microseconds and its waits can be asserted like line changes.
/// </summary>
internal sealed class InstantTimeProvider(Action<TimeSpan> onDelay) : TimeProvider
{
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        onDelay(dueTime);
        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new FiredTimer();
    }

    private sealed class FiredTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
