namespace Station.Simulator.Timing;

/// <summary>
/// The device's sense of time. With pacing on, work advances a virtual cursor by its modelled
/// duration and the caller waits only when the cursor runs ahead of real time by more than a
/// small tolerance; errors therefore never accumulate over long transfers, and 64 devices cost
/// no more than a few coarse <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/> calls each.
/// With pacing off every duration is zero and nothing ever waits.
/// </summary>
internal sealed class DeviceClock
{
    /// <summary>How far virtual time may run ahead before we actually wait (timer granularity).</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMilliseconds(2);

    private readonly long _origin;
    private TimeSpan _cursor;

    public DeviceClock(TimeProvider time, bool pacing)
    {
        Time = time;
        Pacing = pacing;
        _origin = time.GetTimestamp();
    }

    public TimeProvider Time { get; }

    public bool Pacing { get; }

    /// <summary>Real time since the clock was made.</summary>
    public TimeSpan Now => Time.GetElapsedTime(_origin);

    /// <summary>The device is busy for <paramref name="duration"/> (erasing, programming, hashing).</summary>
    public ValueTask SpendAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        if (!Pacing || duration <= TimeSpan.Zero)
        {
            return ValueTask.CompletedTask;
        }

        TimeSpan now = Now;
        _cursor = (_cursor > now ? _cursor : now) + duration;
        return WaitUntilAsync(_cursor, cancellationToken);
    }

    /// <summary>Waits until real time reaches <paramref name="instant"/> (measured like <see cref="Now"/>).</summary>
    public ValueTask WaitUntilAsync(TimeSpan instant, CancellationToken cancellationToken)
    {
        if (!Pacing)
        {
            return ValueTask.CompletedTask;
        }

        TimeSpan ahead = instant - Now;
        return ahead > Tolerance
            ? new ValueTask(Task.Delay(ahead, Time, cancellationToken))
            : ValueTask.CompletedTask;
    }

    /// <summary>Wire time of <paramref name="bytes"/> bytes at <paramref name="baud"/> (8N1: 10 bits per byte).</summary>
    public static TimeSpan WireTime(long bytes, int baud) => TimeSpan.FromSeconds(bytes * 10.0 / baud);
}
