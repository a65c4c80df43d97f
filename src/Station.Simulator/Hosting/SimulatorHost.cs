using System.Net;
using Station.Simulator.Device;

namespace Station.Simulator.Hosting;

/// <summary>
/// Runs a fleet of simulated devices and serves each on its own TCP port (<c>socket://HOST:PORT</c>,
/// device i on base + i) and/or pseudo-terminal. Disposing stops every server and writes a final
/// flash dump of every device when a dump directory is set.
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly SimulatorOptions _options;
    private readonly List<IAsyncDisposable> _servers = [];
    private bool _disposed;

    private SimulatorHost(SimulatorOptions options, IReadOnlyList<SimulatedDevice> devices)
    {
        _options = options;
        Devices = devices;
    }

    public IReadOnlyList<SimulatedDevice> Devices { get; }

    /// <summary>One entry per device, in index order.</summary>
    public IReadOnlyList<SimulatedPort> Ports { get; private set; } = [];

    /// <summary>Creates the devices and starts serving them.</summary>
    public static async Task<SimulatorHost> StartAsync(SimulatorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var devices = Enumerable.Range(0, options.Count).Select(i => new SimulatedDevice(options.ForDevice(i))).ToArray();
        if (options.Events is { } events)
        {
            foreach (var device in devices)
            {
                device.ActivityChanged += events;
            }
        }

        var host = new SimulatorHost(options, devices);
        try
        {
            await host.StartServersAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return host;
    }

    /// <summary>Dumps every device's flash to the dump directory; returns the paths.</summary>
    public async Task<IReadOnlyList<string>> DumpAllAsync(CancellationToken cancellationToken)
    {
        string directory = _options.DumpDirectory ?? throw new InvalidOperationException("No dump directory was configured.");
        var paths = new List<string>(Devices.Count);
        foreach (var device in Devices)
        {
            paths.Add(await device.DumpAsync(directory, cancellationToken).ConfigureAwait(false));
        }

        return paths;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var server in _servers)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        if (_options.DumpDirectory is not null)
        {
            await DumpAllAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private Task StartServersAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var wires = Devices.Select(d => new DeviceWires(d)).ToArray();
        var urls = new string?[Devices.Count];
        if (_options.TcpBasePort is { } basePort)
        {
            IPAddress address = IPAddress.Parse(_options.TcpHost);
            foreach (var device in Devices)
            {
                int port = basePort == 0 ? 0 : basePort + device.Index;
                var server = new TcpDeviceServer(device, wires[device.Index], address, port, _options.DumpDirectory);
                _servers.Add(server);
                server.Start();
                urls[device.Index] = server.Url;
            }
        }

        var ptys = new string?[Devices.Count];
        if (_options.PtyDirectory is { } directory)
        {
            Directory.CreateDirectory(directory);
            foreach (var device in Devices)
            {
                var server = new PtyDeviceServer(wires[device.Index], Path.Combine(directory, $"{device.Chip.Key}-{device.Index}"));
                _servers.Add(server);
                ptys[device.Index] = server.Path;
            }
        }

        Ports = Devices.Select(d => new SimulatedPort(d, urls[d.Index], ptys[d.Index])).ToArray();
        return Task.CompletedTask;
    }
}
