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
/// <remarks>
/// Faults, modelled on a network serial server (ser2net) in front of the board:
/// <list type="bullet">
/// <item><c>unplug</c>: the listening socket closes before the client's connection does, so until the
/// board is back every connect is refused (RST); then the same port listens again, reaching the same board.</item>
/// <item><c>busy</c>: while another client holds the port, a connection is accepted, told
/// <c>Port already in use\r\n</c> and closed — what ser2net does when its port is taken.</item>
/// </list>
/// </remarks>
internal sealed class TcpDeviceServer : IAsyncDisposable
{
    /// <summary>ser2net's answer to a connection when another client has the port.</summary>
    public static readonly byte[] InUseMessage = "Port already in use\r\n"u8.ToArray();

    private readonly DeviceSlot _slot;
    private readonly IPAddress _address;
    private readonly string? _dumpDirectory;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private TcpListener? _listener;
    private DateTimeOffset _absentUntil = DateTimeOffset.MinValue;
    private int _port;
    private Task _serving = Task.CompletedTask;

    public TcpDeviceServer(DeviceSlot slot, IPAddress address, int port, string? dumpDirectory, TimeProvider time)
    {
        _slot = slot;
        _address = address;
        _port = port;
        _dumpDirectory = dumpDirectory;
        _time = time;
    }

    public string Url { get; private set; } = "";

    public void Start()
    {
        var listener = Listen();
        var endpoint = (IPEndPoint)listener.LocalEndpoint;
        _port = endpoint.Port;
        string host = endpoint.Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]" : endpoint.Address.ToString();
        Url = string.Create(CultureInfo.InvariantCulture, $"{TcpLink.Scheme}{host}:{endpoint.Port}");
        _listener = listener;
        _slot.Unplugged += OnUnplugged;
        _serving = Task.Run(() => ServeAsync(_stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        _slot.Unplugged -= OnUnplugged;
        await _stop.CancelAsync().ConfigureAwait(false);
        lock (_gate)
        {
            _listener?.Stop();
            _listener?.Dispose();
            _listener = null;
        }

        try
        {
            await _serving.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped while waiting for a client.
        }

        _stop.Dispose();
    }

    private TcpListener Listen()
    {
        var listener = new TcpListener(_address, _port);

        // Coming back after an unplug: the port must be ours again although closed connections linger in TIME_WAIT.
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        return listener;
    }

    /// <summary>The cable is out: stop listening at once (connects are refused) until the board is back.</summary>
    private void OnUnplugged(TimeSpan delay)
    {
        lock (_gate)
        {
            _absentUntil = _time.GetUtcNow() + delay;
            _listener?.Stop();
            _listener?.Dispose();
            _listener = null;
        }
    }

    private async Task ServeAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpListener? listener;
            TimeSpan absent;
            lock (_gate)
            {
                listener = _listener;
                absent = _absentUntil - _time.GetUtcNow();
            }

            if (listener is null)
            {
                await ReplugAsync(absent, cancellationToken).ConfigureAwait(false);
                continue;
            }

            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // Stopped: by an unplug (the loop brings the port back) or by disposal.
                continue;
            }

            SimulatedDevice device = _slot.Device;
            if (device.Options.Faults.Port.HeldUntil is { } until && _time.GetUtcNow() < until)
            {
                await RefuseAsync(socket, device, until - _time.GetUtcNow()).ConfigureAwait(false);
                continue;
            }

            var link = TcpLink.FromAccepted(socket, Url);
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

    /// <summary>Waits until the unplugged board is back, then listens on the same port again.</summary>
    private async Task ReplugAsync(TimeSpan absent, CancellationToken cancellationToken)
    {
        if (absent > TimeSpan.Zero)
        {
            await Task.Delay(absent, _time, cancellationToken).ConfigureAwait(false);
        }

        bool back = false;
        lock (_gate)
        {
            if (_listener is null && _time.GetUtcNow() >= _absentUntil && !cancellationToken.IsCancellationRequested)
            {
                try
                {
                    _listener = Listen();
                    back = true;
                }
                catch (SocketException)
                {
                    // Someone else has the port number for now: try again shortly.
                    _absentUntil = _time.GetUtcNow() + TimeSpan.FromMilliseconds(100);
                }
            }
        }

        if (back)
        {
            _slot.Device.Report(DeviceActivity.Off, $"plugged in again: {Url} listens");
        }
    }

    private static async Task RefuseAsync(Socket socket, SimulatedDevice device, TimeSpan remaining)
    {
        using (socket)
        {
            try
            {
                await socket.SendAsync(InUseMessage, SocketFlags.None).ConfigureAwait(false);
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // The client left first.
            }
        }

        device.Options.Faults.Log?.Record(
            "busy", $"TCP connection refused with 'Port already in use': another client holds the port for {remaining.TotalSeconds:0.###} s more", withCommand: false);
    }
}
