using System.Threading.Tasks.Sources;

namespace Station.Transport.Serial.Posix;

/// <summary>
/// One direction (readable or writable) of one descriptor: the reactor signals it, one waiter at a time
/// awaits it. Reusable without allocating per wait.
/// </summary>
/// <remarks>
/// The descriptor is registered edge-triggered, so a readiness edge that arrives between a caller's
/// EAGAIN and its wait must not be lost. Every signal bumps <see cref="Sequence"/>; a caller samples it
/// before trying the syscall and passes the sample to <see cref="WaitAsync"/>, which returns at once if
/// an edge came in since.
/// </remarks>
internal sealed class ReadinessWaiter : IValueTaskSource
{
    private static readonly Action<object?, CancellationToken> s_onCancel =
        static (state, token) => ((ReadinessWaiter)state!).Cancel(token);

    private readonly Lock _gate = new();
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _sequence;
    private bool _pending;
    private bool _closed;
    private CancellationToken _token;
    private CancellationTokenRegistration _registration;

    public int Sequence => Volatile.Read(ref _sequence);

    /// <summary>
    /// Completes when the reactor signals after <paramref name="observed"/> was sampled, or the waiter is
    /// closed; throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires first.
    /// </summary>
    public ValueTask WaitAsync(int observed, CancellationToken cancellationToken)
    {
        short version;
        lock (_gate)
        {
            if (_closed || _sequence != observed)
            {
                return ValueTask.CompletedTask;
            }

            if (_pending)
            {
                throw new InvalidOperationException("Only one read and one write may be pending on a link at a time.");
            }

            cancellationToken.ThrowIfCancellationRequested();
            _core.Reset();
            _pending = true;
            _token = cancellationToken;
            version = _core.Version;
        }

        if (cancellationToken.CanBeCanceled)
        {
            // Registered outside the gate: the callback may run right here if the token fired meanwhile.
            var registration = cancellationToken.UnsafeRegister(s_onCancel, this);
            bool keep;
            lock (_gate)
            {
                keep = _pending && _core.Version == version;
                if (keep)
                {
                    _registration = registration;
                }
            }

            if (!keep)
            {
                registration.Dispose();
            }
        }

        return new ValueTask(this, version);
    }

    /// <summary>Called by the reactor on a readiness edge (or hang-up).</summary>
    public void Signal()
    {
        lock (_gate)
        {
            _sequence++;
            if (_pending)
            {
                _pending = false;
                _core.SetResult(true);
            }
        }
    }

    /// <summary>Wakes a pending waiter and makes every later wait return at once; the caller then sees the link closed.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            _sequence++;
            if (_pending)
            {
                _pending = false;
                _core.SetResult(true);
            }
        }
    }

    void IValueTaskSource.GetResult(short token)
    {
        CancellationTokenRegistration registration;
        lock (_gate)
        {
            registration = _registration;
            _registration = default;
        }

        registration.Dispose();
        _core.GetResult(token);
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Cancel(CancellationToken token)
    {
        lock (_gate)
        {
            // A late callback from an earlier wait may arrive; it only cancels a wait on the same (cancelled) token.
            if (!_pending || _token != token)
            {
                return;
            }

            _pending = false;
            _core.SetException(new OperationCanceledException(token));
        }
    }
}
