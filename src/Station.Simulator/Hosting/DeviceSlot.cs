using Station.Simulator.Device;
using Station.Transport.Links;

namespace Station.Simulator.Hosting;

/// <summary>
/// One fixture position of the fleet and the board in it. Servers run whatever board is there;
/// <see cref="ReplaceAsync"/> pulls the board out (every run on it stops: a TCP client's connection is
/// closed by its server, a pty keeps its fd and powers the new board on) and puts another one in.
/// The slot passes on what its servers must act on: a board unplugged mid-run (<see cref="Unplugged"/>)
/// and a new board (<see cref="BoardEntered"/>).
/// </summary>
internal sealed class DeviceSlot
{
    private readonly Lock _gate = new();
    private Board _board;

    public DeviceSlot(SimulatedDevice device)
    {
        _board = new Board(device);
        device.Unplugged += OnUnplugged;
    }

    /// <summary>The board now in the slot was unplugged: its port must disappear for the given time (raised on the device's task).</summary>
    public event Action<TimeSpan>? Unplugged;

    /// <summary>A new board was put into the slot (by <see cref="ReplaceAsync"/>).</summary>
    public event Action<SimulatedDevice>? BoardEntered;

    public SimulatedDevice Device
    {
        get
        {
            lock (_gate)
            {
                return _board.Device;
            }
        }
    }

    /// <summary>
    /// Runs the board now in the slot on a client's link (taking it from the pty for the session).
    /// Ends when the link is gone, on cancellation, or when the board is pulled; says which board ran and whether it was pulled.
    /// </summary>
    public async Task<(SimulatedDevice Device, bool Pulled)> RunForegroundAsync(IByteLink link, PowerOnBoot powerOn, CancellationToken cancellationToken)
    {
        Board board = Enter();
        try
        {
            using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, board.Pulled);
            try
            {
                await board.Wires.RunForegroundAsync(link, powerOn, run.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (board.Pulled.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // Pulled while waiting for the pty run to let go.
            }

            return (board.Device, board.Pulled.IsCancellationRequested);
        }
        finally
        {
            board.Exit();
        }
    }

    /// <summary>Runs the slot's boards one after the other on the resting link (pty) until cancelled.</summary>
    public async Task RunBackgroundAsync(IByteLink link, PowerOnBoot powerOn, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Board board = Enter();
            try
            {
                using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, board.Pulled);
                await board.Wires.RunBackgroundAsync(link, powerOn, run.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (board.Pulled.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // The board was swapped: power the next one on here.
            }
            finally
            {
                board.Exit();
            }
        }
    }

    /// <summary>Puts <paramref name="next"/> in the slot and returns the previous board once nothing runs on it any more.</summary>
    public async Task<SimulatedDevice> ReplaceAsync(SimulatedDevice next, CancellationToken cancellationToken)
    {
        Board old;
        lock (_gate)
        {
            old = _board;
            _board = new Board(next);
        }

        old.Device.Unplugged -= OnUnplugged;
        next.Unplugged += OnUnplugged;
        BoardEntered?.Invoke(next);

        // No run can enter the old board any more; cancel outside the lock (cancellation runs callbacks inline).
        old.Pull();
        await old.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
        old.Dispose();
        return old.Device;
    }

    private void OnUnplugged(TimeSpan delay) => Unplugged?.Invoke(delay);

    private Board Enter()
    {
        lock (_gate)
        {
            _board.Enter();
            return _board;
        }
    }

    /// <summary>A board in the slot: its device, its pty/TCP arbitration, and the runs using it.</summary>
    private sealed class Board(SimulatedDevice device) : IDisposable
    {
        private readonly CancellationTokenSource _pulled = new();
        private readonly Lock _gate = new();
        private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _runs;
        private bool _pulledDone;

        public SimulatedDevice Device { get; } = device;

        public DeviceWires Wires { get; } = new(device);

        public CancellationToken Pulled => _pulled.Token;

        public void Enter()
        {
            lock (_gate)
            {
                _runs++;
            }
        }

        public void Exit()
        {
            lock (_gate)
            {
                if (--_runs == 0 && _pulledDone)
                {
                    _idle.TrySetResult();
                }
            }
        }

        /// <summary>Stops every run on the board; called once it left the slot, so no run enters afterwards.</summary>
        public void Pull()
        {
            _pulled.Cancel();
            lock (_gate)
            {
                _pulledDone = true;
                if (_runs == 0)
                {
                    _idle.TrySetResult();
                }
            }
        }

        public Task WhenIdleAsync(CancellationToken cancellationToken) => _idle.Task.WaitAsync(cancellationToken);

        public void Dispose() => _pulled.Dispose();
    }
}
