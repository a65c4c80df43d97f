using Station.Simulator.Timing;
using Station.Transport.Links;

namespace Station.Simulator.Boot;

/// <summary>
/// Follows the host's DTR/RTS through the auto-program circuit: current EN/IO0 levels, when EN last
/// rose, how often it fell, and the levels since EN rose with the instant of each change.
/// <see cref="IHostSignals.LinesChanged"/> fires on the host's thread, so the handler only records (with
/// the device clock's time) and wakes the device loop. The chip samples its straps at a modelled instant
/// (<see cref="LevelsAt"/>), never at whatever moment the device's task happens to run: on a loaded
/// machine that task can be late by more than esptool's 50 ms IO0 hold.
/// </summary>
internal sealed class LineWatch : IDisposable
{
    /// <summary>Bounds the history while a host toggles the lines with EN high (the ROM has sampled long before).</summary>
    private const int MaxChangesKept = 256;

    private readonly IHostSignals _signals;
    private readonly DeviceClock _clock;
    private readonly Lock _gate = new();

    /// <summary>Every level since EN last rose (the first entry is that rise), oldest first.</summary>
    private readonly List<(TimeSpan At, StrapLevels Levels)> _sinceRise = [];
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
        _sinceRise.Add((_enRoseAt, _levels));
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

    /// <summary>When EN last rose (device clock), or when watching began.</summary>
    public TimeSpan EnRoseAt
    {
        get
        {
            lock (_gate)
            {
                return _enRoseAt;
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

    /// <summary>
    /// The levels at <paramref name="instant"/> (device clock) since EN last rose; an instant before the
    /// rise gives the levels at the rise, one in the future the current levels.
    /// </summary>
    public StrapLevels LevelsAt(TimeSpan instant)
    {
        lock (_gate)
        {
            StrapLevels levels = _sinceRise[0].Levels;
            foreach (var (at, next) in _sinceRise)
            {
                if (at > instant)
                {
                    break;
                }

                levels = next;
            }

            return levels;
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
                _sinceRise.Clear();
            }

            _levels = next;
            if (_sinceRise.Count < MaxChangesKept)
            {
                _sinceRise.Add((_clock.Now, next));
            }
            else
            {
                _sinceRise[^1] = (_clock.Now, next);
            }
            wake = _changed;
            _changed = NewSignal();
        }

        wake.TrySetResult();
    }
}
