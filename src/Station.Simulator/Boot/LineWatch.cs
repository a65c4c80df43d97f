using Station.Simulator.Timing;
using Station.Transport.Links;

namespace Station.Simulator.Boot;

/// <summary>
/// Follows the host's DTR/RTS through the auto-program circuit: current EN/IO0 levels, when EN last
/// rose, and how often it fell. <see cref="IHostSignals.LinesChanged"/> fires on the host's thread, so
/// the handler only records and wakes the device loop.
/// </summary>
internal sealed class LineWatch : IDisposable
{
    private readonly IHostSignals _signals;
    private readonly DeviceClock _clock;
    private readonly Lock _gate = new();
    private StrapLevels _levels;
    private long _enFalls;
    private TimeSpan _enRoseAt;
    private TaskCompletionSource _changed = NewSignal();

    public LineWatch(IHostSignals signals, DeviceClock clock)
    {
        _signals = signals;
        _clock = clock;
        _levels = AutoProgramCircuit.Levels(signals.Lines);
        _enRoseAt = clock.Now;
        signals.LinesChanged += OnLinesChanged;
    }

    public StrapLevels Levels
    {
        get
        {
            lock (_gate)
            {
                return _levels;
            }
        }
    }

    public long EnFalls
    {
        get
        {
            lock (_gate)
            {
                return _enFalls;
            }
        }
    }

    /// <summary>Completes at the next line change.</summary>
    public Task NextChangeAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _changed.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Waits until EN has been high for <paramref name="enDelay"/> since it rose (the EN RC delay
    /// before the ROM samples the straps). False when EN fell in the meantime.
    /// </summary>
    public async Task<bool> HoldsEnHighAsync(TimeSpan enDelay, CancellationToken cancellationToken)
    {
        long falls = EnFalls;
        while (true)
        {
            Task change;
            TimeSpan remaining;
            lock (_gate)
            {
                if (_enFalls != falls || !_levels.EnHigh)
                {
                    return false;
                }

                remaining = _enRoseAt + enDelay - _clock.Now;
                change = _changed.Task;
            }

            if (remaining <= TimeSpan.Zero)
            {
                return true;
            }

            await Task.WhenAny(change, Task.Delay(remaining, _clock.Time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Completes when EN goes low after <paramref name="fallsSeen"/> falls were observed.</summary>
    public async Task WhenEnFallsAsync(long fallsSeen, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task change;
            lock (_gate)
            {
                if (_enFalls != fallsSeen || !_levels.EnHigh)
                {
                    return;
                }

                change = _changed.Task;
            }

            await change.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _signals.LinesChanged -= OnLinesChanged;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void OnLinesChanged(LineState lines)
    {
        TaskCompletionSource wake;
        lock (_gate)
        {
            StrapLevels next = AutoProgramCircuit.Levels(lines);
            if (_levels.EnHigh && !next.EnHigh)
            {
                _enFalls++;
            }
            else if (!_levels.EnHigh && next.EnHigh)
            {
                _enRoseAt = _clock.Now;
            }

            _levels = next;
            wake = _changed;
            _changed = NewSignal();
        }

        wake.TrySetResult();
    }
}
