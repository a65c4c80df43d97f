using System.Runtime.InteropServices;

namespace Station.Cli.Commands;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM for a command that runs until told to stop. The first Ctrl+C asks for a stop
/// (<see cref="Stop"/>: a line lets units in flight finish); a second one, or SIGTERM, asks for both a stop and an
/// abort (<see cref="Abort"/>: units in flight are interrupted). The runtime delivers signals on the thread pool,
/// so a handler may run while the command is already disposing this object; it then does nothing, where
/// cancelling a disposed token source would throw on a pool thread and crash the process (exit 134).
/// </summary>
public sealed class StopSignals : IDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop;
    private readonly CancellationTokenSource _abort = new();
    private readonly Action? _onFirstInterrupt;
    private readonly PosixSignalRegistration? _interrupt;
    private readonly PosixSignalRegistration? _terminate;
    private bool _disposed;

    /// <param name="stopWith">Also stops when this is cancelled (the command's own token).</param>
    /// <param name="onFirstInterrupt">Tells the operator what the first Ctrl+C does; runs once, on a pool thread.</param>
    /// <param name="listen">False for tests, which raise the signals by calling <see cref="Interrupt"/> and <see cref="Terminate"/>.</param>
    public StopSignals(CancellationToken stopWith = default, Action? onFirstInterrupt = null, bool listen = true)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(stopWith);
        _onFirstInterrupt = onFirstInterrupt;
        if (listen)
        {
            _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c =>
            {
                c.Cancel = true;
                Interrupt();
            });
            _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
            {
                c.Cancel = true;
                Terminate();
            });
        }
    }

    /// <summary>Cancelled by the first Ctrl+C, SIGTERM, <see cref="RequestStop"/> or the command's own token.</summary>
    public CancellationToken Stop => _stop.Token;

    /// <summary>Cancelled by a second Ctrl+C or SIGTERM.</summary>
    public CancellationToken Abort => _abort.Token;

    /// <summary>What SIGINT does: stop first, abort the second time.</summary>
    public void Interrupt()
    {
        bool first = false;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (_stop.IsCancellationRequested)
            {
                _abort.Cancel();
            }
            else
            {
                _stop.Cancel();
                first = true;
            }
        }

        if (first)
        {
            _onFirstInterrupt?.Invoke();
        }
    }

    /// <summary>What SIGTERM does: stop and abort at once.</summary>
    public void Terminate()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _stop.Cancel();
                _abort.Cancel();
            }
        }
    }

    /// <summary>A stop asked for by the command itself (the simulator's control input closing).</summary>
    public void RequestStop()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _stop.Cancel();
            }
        }
    }

    public void Dispose()
    {
        _interrupt?.Dispose();
        _terminate?.Dispose();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _stop.Dispose();
            _abort.Dispose();
        }
    }
}
