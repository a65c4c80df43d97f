using Station.Simulator.Device;
using Station.Transport.Serial;

namespace Station.Simulator.Hosting;

/// <summary>
/// Serves one device on a pseudo-terminal with a stable symlink (<c>&lt;dir&gt;/esp32-0</c>), so tools
/// that only open tty paths (esptool, minicom, the station's serial opener) can talk to it. A pty has
/// no DTR/RTS, so the device powers on into download mode when the server starts, and keeps its state
/// while hosts open and close the path; a reset is not possible from the host side. A TCP client of
/// the same device takes it away for its session (<see cref="DeviceWires"/>); it then powers on here again.
/// When the board in the slot is swapped, the pty (and any host's open fd) stays and the new board
/// powers on here.
/// The host's baud is read from the slave's termios, so a host at the wrong rate sees garbage.
/// </summary>
/// <remarks>
/// Faults:
/// <list type="bullet">
/// <item><c>unplug</c>: the pty goes as a USB serial port goes — the symlink disappears and a host's open fd
/// fails (hang-up, Gone); after the delay a new pty appears at the same symlink, with the same board.</item>
/// <item><c>busy</c>: a <see cref="FlockHolder"/> process takes the slave's exclusive flock as soon as the board's
/// pty appears, for the busy duration, so an exclusive open (the station's, <c>flock</c>, pyserial with <c>exclusive=True</c>)
/// fails as busy and /proc names the holder. An open that takes no lock (pyserial's default) still succeeds,
/// as it does on a real Linux tty held only by a lock. TIOCEXCL is not used: it needs an ioctl on the slave,
/// and root ignores it anyway.</item>
/// </list>
/// </remarks>
internal sealed class PtyDeviceServer : IAsyncDisposable
{
    private readonly DeviceSlot _slot;
    private readonly string _linkPath;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<FlockHolder> _holds = [];
    private readonly Task _serving;
    private PseudoTerminal _pty;
    private CancellationTokenSource _plugged = new();
    private DateTimeOffset _absentUntil = DateTimeOffset.MinValue;

    public PtyDeviceServer(DeviceSlot slot, string linkPath, TimeProvider time)
    {
        _slot = slot;
        _linkPath = linkPath;
        _time = time;
        _pty = PseudoTerminal.Create(linkPath);
        Path = _pty.HostPath;
        slot.Unplugged += OnUnplugged;
        _serving = Task.Run(() => ServeAsync(_stop.Token));
    }

    /// <summary>The path a host opens (the symlink).</summary>
    public string Path { get; }

    /// <summary>
    /// When <paramref name="device"/> (the board now in the slot) was dealt the <c>busy</c> fault and its
    /// window is still open, another process takes the port until the window closes. Returns once it holds it.
    /// </summary>
    public async Task HoldIfBusyAsync(SimulatedDevice device, CancellationToken cancellationToken)
    {
        if (device.Options.Faults.Port.HeldUntil is not { } until)
        {
            return;
        }

        TimeSpan remaining = until - _time.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            return;
        }

        string slave;
        lock (_gate)
        {
            slave = _pty.SlavePath;
        }

        var hold = await FlockHolder.HoldAsync(slave, remaining, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _holds.Add(hold);
        }

        device.Options.Faults.Log?.Record(
            "busy", $"{Path} ({slave}) held by another process (flock, pid {hold.ProcessId}) for {remaining.TotalSeconds:0.###} s: exclusive opens fail as busy", withCommand: false);
    }

    public async ValueTask DisposeAsync()
    {
        _slot.Unplugged -= OnUnplugged;
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _serving.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped while waiting for a TCP client to give the device back, or for a re-plug.
        }
        finally
        {
            List<FlockHolder> holds;
            lock (_gate)
            {
                _pty.Unplug();
                holds = [.. _holds];
                _holds.Clear();
            }

            foreach (var hold in holds)
            {
                await hold.DisposeAsync().ConfigureAwait(false);
            }

            _plugged.Dispose();
            _stop.Dispose();
        }
    }

    private async Task ServeAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            PseudoTerminal pty;
            CancellationToken plugged;
            lock (_gate)
            {
                pty = _pty;
                plugged = _plugged.Token;
            }

            await RunUntilUnpluggedAsync(pty, plugged, cancellationToken).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            await ReplugAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunUntilUnpluggedAsync(PseudoTerminal pty, CancellationToken plugged, CancellationToken cancellationToken)
    {
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, plugged);
        try
        {
            await _slot.RunBackgroundAsync(pty.Device, PowerOnBoot.Download, run.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (plugged.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Unplugged: the caller brings the port back.
        }
    }

    /// <summary>The cable is out: the pty and its symlink go now (a host's fd sees hang-up).</summary>
    private void OnUnplugged(TimeSpan delay)
    {
        CancellationTokenSource plugged;
        lock (_gate)
        {
            _absentUntil = _time.GetUtcNow() + delay;
            _pty.Unplug();
            plugged = _plugged;
        }

        plugged.Cancel();
    }

    /// <summary>After the delay a new pty appears at the same symlink, with the same board (still busy if its window is open).</summary>
    private async Task ReplugAsync(CancellationToken cancellationToken)
    {
        TimeSpan absent;
        lock (_gate)
        {
            absent = _absentUntil - _time.GetUtcNow();
        }

        if (absent > TimeSpan.Zero)
        {
            await Task.Delay(absent, _time, cancellationToken).ConfigureAwait(false);
        }

        lock (_gate)
        {
            _pty = PseudoTerminal.Create(_linkPath);
            _plugged.Dispose();
            _plugged = new CancellationTokenSource();
        }

        try
        {
            await HoldIfBusyAsync(_slot.Device, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // flock could not take the port: it is simply not busy this time.
        }

        _slot.Device.Report(DeviceActivity.Off, $"plugged in again: {Path}");
    }
}
