using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Station.Simulator.Device;
using Station.Transport.Rfc2217;

namespace Station.Simulator.Hosting;

/// <summary>
/// Serves one device as an RFC 2217 port (<c>rfc2217://HOST:PORT</c>), one client at a time, like a
/// serial port behind ser2net with the board's auto-program circuit on its DTR/RTS: the client's
/// SET-CONTROL commands move EN and IO0, so reset sequences decide the boot mode, and its SET-BAUDRATE
/// is the host baud the wire model compares with the device's. Each connection powers the board on
/// with its straps released, so it boots from flash until the client resets it into download mode.
/// The flash persists; when the client leaves it is dumped (if a dump directory is set). A board swap
/// closes the client's connection, as <see cref="TcpDeviceServer"/> does.
/// </summary>
internal sealed class Rfc2217DeviceServer : IAsyncDisposable
{
    public const string Signature = "Station simulator";

    private readonly DeviceSlot _slot;
    private readonly TcpListener _listener;
    private readonly string? _dumpDirectory;
    private readonly CancellationTokenSource _stop = new();
    private Task _serving = Task.CompletedTask;

    public Rfc2217DeviceServer(DeviceSlot slot, IPAddress address, int port, string? dumpDirectory)
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
        Url = string.Create(CultureInfo.InvariantCulture, $"{Rfc2217Link.Scheme}{host}:{endpoint.Port}");
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

            SimulatedDevice device = _slot.Device;
            bool pulled = false;
            var link = Rfc2217PortLink.Create(socket, Url, Signature);
            await using (link.ConfigureAwait(false))
            {
                try
                {
                    // The board must be listening to the lines before the client's first reset arrives.
                    link.StartWhenWatched(cancellationToken);
                    (device, pulled) = await _slot.RunForegroundAsync(link, PowerOnBoot.Straps, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One broken connection must not take the port down for the next client.
                    device.Report(DeviceActivity.Disconnected, $"connection failed: {e.Message}");
                }
            }

            if (_dumpDirectory is not null && !pulled && !cancellationToken.IsCancellationRequested)
            {
                await device.DumpAsync(_dumpDirectory, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
