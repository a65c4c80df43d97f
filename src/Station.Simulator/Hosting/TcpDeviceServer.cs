using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Station.Simulator.Device;
using Station.Transport.Tcp;

namespace Station.Simulator.Hosting;

/// <summary>
/// Serves one device on one TCP port, one client at a time. Every connection is a fresh power-on
/// into download mode (a TCP link has no DTR/RTS, so a fixture is assumed to hold IO0 low); the
/// flash persists. When the client closes, the flash is dumped (if a dump directory is set) and the
/// next connection is accepted. When the board in the slot is swapped, the client's connection is
/// closed (the board was pulled; <see cref="SimulatorHost.ReplaceBoardAsync"/> dumps it) and the next
/// connection reaches the new board.
/// </summary>
internal sealed class TcpDeviceServer : IAsyncDisposable
{
    private readonly DeviceSlot _slot;
    private readonly TcpListener _listener;
    private readonly string? _dumpDirectory;
    private readonly CancellationTokenSource _stop = new();
    private Task _serving = Task.CompletedTask;

    public TcpDeviceServer(DeviceSlot slot, IPAddress address, int port, string? dumpDirectory)
    {
        _slot = slot;
        _dumpDirectory = dumpDirectory;
        _listener = new TcpListener(address, port);
    }

    public string Url { get; private set; } = "";

    public void Start()
    {
        _listener.Start();
        var endpoint = (IPEndPoint)_listener.LocalEndpoint;
        string host = endpoint.Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]" : endpoint.Address.ToString();
        Url = string.Create(CultureInfo.InvariantCulture, $"{TcpLink.Scheme}{host}:{endpoint.Port}");
        _serving = Task.Run(() => ServeAsync(_stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _serving.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped while waiting for a client.
        }

        _listener.Dispose();
        _stop.Dispose();
    }

    private async Task ServeAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            var link = TcpLink.FromAccepted(socket, Url);
            SimulatedDevice device = _slot.Device;
            bool pulled = false;
            await using (link.ConfigureAwait(false))
            {
                try
                {
                    (device, pulled) = await _slot.RunForegroundAsync(link, PowerOnBoot.Straps, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One broken connection must not take the port down for the next client.
                    device.Report(DeviceActivity.Disconnected, $"connection failed: {e.Message}");
                }
            }

            // A pulled board is dumped by the swap itself.
            if (_dumpDirectory is not null && !pulled && !cancellationToken.IsCancellationRequested)
            {
                await device.DumpAsync(_dumpDirectory, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
