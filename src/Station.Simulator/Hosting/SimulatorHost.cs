using System.Net;
using Station.Simulator.Device;

namespace Station.Simulator.Hosting;

/// <summary>
/// Runs a fleet of simulated devices and serves each slot on its own TCP port (<c>socket://HOST:PORT</c>,
/// slot i on base + i) and/or pseudo-terminal. A production line takes a finished unit out of its slot
/// and puts the next one in: <see cref="ReplaceBoardAsync"/> does that with a fresh board (erased
/// flash, a MAC never used before in this run). Disposing stops every server and writes a final flash
/// dump of every board in a slot when a dump directory is set.
/// </summary>
/// <remarks>
/// MACs come from the seed and a running board serial: the first boards get serials 0..Count-1 (so
/// slot i starts with the same MAC as before swaps existed), each replacement the next serial. A run
/// therefore never repeats a MAC below 16 million boards, and the same seed and swap order give the
/// same MACs.
/// </remarks>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly SimulatorOptions _options;
    private readonly DeviceSlot[] _slots;
    private readonly List<IAsyncDisposable> _servers = [];
    private readonly PtyDeviceServer?[] _ptyServers;
    private string?[] _urls;
    private string?[] _ptys;
    private string?[] _rfc2217;
    private long _nextSerial;
    private bool _disposed;

    private SimulatorHost(SimulatorOptions options)
    {
        _options = options;
        _slots = new DeviceSlot[options.Count];
        for (int i = 0; i < options.Count; i++)
        {
            _slots[i] = new DeviceSlot(NewDevice(i));
        }

        _urls = new string?[options.Count];
        _ptys = new string?[options.Count];
        _ptyServers = new PtyDeviceServer?[options.Count];
        _rfc2217 = new string?[options.Count];
    }

    /// <summary>The board in each slot now, in slot order.</summary>
    public IReadOnlyList<SimulatedDevice> Devices => _slots.Select(s => s.Device).ToArray();

    /// <summary>Where each slot is served and which board is in it now, in slot order.</summary>
    public IReadOnlyList<SimulatedPort> Ports => Enumerable.Range(0, _slots.Length).Select(Port).ToArray();

    /// <summary>Creates the devices and starts serving them.</summary>
    public static async Task<SimulatorHost> StartAsync(SimulatorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var host = new SimulatorHost(options);
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

    /// <summary>
    /// Takes the board out of slot <paramref name="index"/> and puts a new one in (erased flash, new
    /// MAC), like an operator swapping units in a fixture: a TCP client connected to the slot loses its
    /// connection, a pty stays open and the new board powers on there in download mode. The old
    /// board's flash is dumped to <c>&lt;dump dir&gt;/&lt;MAC&gt;.bin</c> when a dump directory is set.
    /// Returns the slot with its new board.
    /// </summary>
    public async Task<SimulatedPort> ReplaceBoardAsync(int index, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _slots.Length);
        var next = NewDevice(index);
        var old = await _slots[index].ReplaceAsync(next, cancellationToken).ConfigureAwait(false);
        if (_ptyServers[index] is { } pty)
        {
            await pty.HoldIfBusyAsync(next, cancellationToken).ConfigureAwait(false);
        }

        if (_options.Events is { } events)
        {
            old.ActivityChanged -= events;
        }

        if (_options.DumpDirectory is { } directory)
        {
            await old.DumpAsync(directory, cancellationToken).ConfigureAwait(false);
        }

        return Port(index);
    }

    /// <summary>Dumps the flash of every board in a slot to the dump directory; returns the paths.</summary>
    public async Task<IReadOnlyList<string>> DumpAllAsync(CancellationToken cancellationToken)
    {
        string directory = _options.DumpDirectory ?? throw new InvalidOperationException("No dump directory was configured.");
        var paths = new List<string>(_slots.Length);
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

    /// <summary>The operator takes a finished board out: after <paramref name="delay"/>, if it is still in its slot.</summary>
    private async Task ReplaceFinishedAsync(int index, SimulatedDevice finished, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _options.Time).ConfigureAwait(false);
            if (!_disposed && ReferenceEquals(_slots[index].Device, finished))
            {
                await ReplaceBoardAsync(index, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (ObjectDisposedException)
        {
            // The fleet stopped meanwhile.
        }
    }

    private SimulatedPort Port(int index) => new(_slots[index].Device, _urls[index], _ptys[index]) { Rfc2217Url = _rfc2217[index] };

    /// <summary>A board for slot <paramref name="index"/> with the next serial's MAC.</summary>
    private SimulatedDevice NewDevice(int index)
    {
        long serial = Interlocked.Increment(ref _nextSerial) - 1;
        var returned = serial < _options.ReturnedBoards.Count ? _options.ReturnedBoards[(int)serial] : null;
        var options = _options.ForBoard(index, serial);
        while (returned is null && _options.ReturnedBoards.Any(b => b.Mac == options.Mac))
        {
            // New units must not share a MAC with a returned board made under the same seed.
            serial = Interlocked.Increment(ref _nextSerial) - 1;
            options = _options.ForBoard(index, serial);
        }

        var device = new SimulatedDevice(returned is null ? options : options with { Mac = returned.Mac });
        if (returned is not null)
        {
            // A fresh chip's flash is erased, so programming the dump reproduces it exactly.
            device.Flash.Program(0, File.ReadAllBytes(returned.FlashDumpPath));
        }

        if (_options.Events is { } events)
        {
            device.ActivityChanged += events;
        }

        if (_options.ReplaceFinishedAfter is { } delay)
        {
            bool loaded = false;
            bool poweredOn = false;
            device.ActivityChanged += e =>
            {
                // A finished unit is one the station restarted into its firmware after a loader session, once that
                // boot has run (the app started, or the boot failed: set aside) — not a board that powered on with its
                // straps released and runs what it holds (RFC 2217: every connection), nor a reset that missed
                // download mode before any loader session. Injected-fault reports are not activity changes.
                if (e.Fault is not null)
                {
                    return;
                }

                switch (e.Activity)
                {
                    case DeviceActivity.RomLoader or DeviceActivity.Stub:
                        loaded = true;
                        break;
                    case DeviceActivity.Booting:
                        poweredOn = e.Detail == DeviceRun.PowerOnFlashBoot;
                        loaded &= !poweredOn;
                        break;
                }

                if (e.Activity is DeviceActivity.RunningApp or DeviceActivity.BootFailed && loaded && !poweredOn)
                {
                    loaded = false;
                    _ = ReplaceFinishedAsync(index, device, delay);
                }
            };
        }

        return device;
    }

    private async Task StartServersAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var urls = new string?[_slots.Length];
        if (_options.TcpBasePort is { } basePort)
        {
            IPAddress address = IPAddress.Parse(_options.TcpHost);
            for (int i = 0; i < _slots.Length; i++)
            {
                int port = basePort == 0 ? 0 : basePort + i;
                var server = new TcpDeviceServer(_slots[i], address, port, _options.DumpDirectory, _options.Time);
                _servers.Add(server);
                server.Start();
                urls[i] = server.Url;
            }
        }

        var rfc2217 = new string?[_slots.Length];
        if (_options.Rfc2217BasePort is { } rfcBase)
        {
            IPAddress address = IPAddress.Parse(_options.TcpHost);
            for (int i = 0; i < _slots.Length; i++)
            {
                var server = new Rfc2217DeviceServer(_slots[i], address, rfcBase == 0 ? 0 : rfcBase + i, _options.DumpDirectory);
                _servers.Add(server);
                server.Start();
                rfc2217[i] = server.Url;
            }
        }

        _rfc2217 = rfc2217;
        var ptys = new string?[_slots.Length];
        if (_options.PtyDirectory is { } directory)
        {
            Directory.CreateDirectory(directory);
            for (int i = 0; i < _slots.Length; i++)
            {
                var server = new PtyDeviceServer(_slots[i], Path.Combine(directory, $"{_options.Chip.Key}-{i}"), _options.Time);
                _servers.Add(server);
                _ptyServers[i] = server;
                ptys[i] = server.Path;
            }

            // Busy boards' ports are held before anyone is told the fleet is ready.
            for (int i = 0; i < _slots.Length; i++)
            {
                await _ptyServers[i]!.HoldIfBusyAsync(_slots[i].Device, cancellationToken).ConfigureAwait(false);
            }
        }

        _urls = urls;
        _ptys = ptys;
    }
}
