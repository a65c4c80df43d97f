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
internal sealed class PtyDeviceServer : IAsyncDisposable
{
    private readonly PseudoTerminal _pty;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public PtyDeviceServer(DeviceSlot slot, string linkPath)
    {
        _pty = PseudoTerminal.Create(linkPath);
        _serving = Task.Run(() => slot.RunBackgroundAsync(_pty.Device, PowerOnBoot.Download, _stop.Token));
    }

    /// <summary>The path a host opens (the symlink).</summary>
    public string Path => _pty.HostPath;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _serving.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped while waiting for a TCP client to give the device back.
        }
        finally
        {
            _pty.Unplug();
            _stop.Dispose();
        }
    }
}
