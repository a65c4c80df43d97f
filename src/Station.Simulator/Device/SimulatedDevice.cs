using Station.Protocol.Chips;
using Station.Simulator.Efuse;
using Station.Simulator.Faults;
using Station.Simulator.Flash;
using Station.Simulator.Registers;
using Station.Transport.Links;

namespace Station.Simulator.Device;

/// <summary>
/// One simulated Espressif chip with its SPI flash, behaving on the wire like the real ROM loader and
/// esptool's flasher stub (esp-serial-protocol.md). The flash and the eFuses persist across runs, resets
/// and link changes; everything else (baud, stub, uploaded RAM, eFuse controller registers) is lost at every reset.
/// </summary>
/// <remarks>
/// The simulator cannot execute uploaded code, so it models what the code is: MEM_END with an entry
/// point inside memory uploaded by MEM_BEGIN/MEM_DATA starts esptool's legacy flasher stub (whichever
/// build was uploaded — esptool, esptool-js and the station all upload different ones); an entry point
/// anywhere else crashes the CPU and the chip stays silent until reset.
/// </remarks>
public sealed class SimulatedDevice
{
    private readonly Lock _gate = new();
    private int _running;

    public SimulatedDevice(DeviceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Mac = options.Mac ?? DeviceMacs.For(options.Chip, options.Seed, options.Index);
        FlashId = FlashId.ForSize(options.FlashSize);
        Flash = new NorFlash(options.FlashSize);

        // Fail early on a MAC the chip's eFuse layout cannot hold.
        _ = MacEfuseWords.Encode(options.Chip, Mac);
        Efuse = options.Chip.Kind == ChipKind.Esp32 ? Esp32EfuseArray.Factory(Mac) : null;
        if (options.Faults.Log is { } log)
        {
            log.Injected += OnFaultInjected;
        }
    }

    public DeviceOptions Options { get; }

    public ChipSpec Chip => Options.Chip;

    public int Index => Options.Index;

    public MacAddress Mac { get; }

    /// <summary>The JEDEC id the SPI RDID command returns (follows the flash size).</summary>
    public FlashId FlashId { get; }

    public NorFlash Flash { get; }

    /// <summary>The ESP32's fuse array (factory MAC in BLOCK0); null on chips whose eFuse controller is not modelled.</summary>
    public Esp32EfuseArray? Efuse { get; }

    /// <summary>What the device is doing now.</summary>
    public DeviceActivity Activity { get; private set; } = DeviceActivity.Off;

    /// <summary>
    /// Raised on every change of activity (from the device's own task), and for every injected fault
    /// (<see cref="DeviceEvent.Fault"/> set, <see cref="DeviceEvent.Activity"/> unchanged).
    /// </summary>
    public event Action<DeviceEvent>? ActivityChanged;

    /// <summary>
    /// Raised when the board is unplugged mid-run (the <c>unplug</c> fault), before its link closes, with how
    /// long it stays out. The hosting layer takes its port away for that long; the board itself keeps its flash.
    /// </summary>
    public event Action<TimeSpan>? Unplugged;

    /// <summary>The dump file name: the MAC with dashes, e.g. <c>24-0A-C4-12-34-56.bin</c>.</summary>
    public string DumpFileName => Mac.ToString().Replace(':', '-') + ".bin";

    /// <summary>The fault record's file name, beside the dump: <c>24-0A-C4-12-34-56.faults.json</c>.</summary>
    public string FaultsFileName => Mac.ToString().Replace(':', '-') + ".faults.json";

    /// <summary>
    /// Serves <paramref name="link"/> (the device end) until it is gone or
    /// <paramref name="cancellationToken"/> fires. One run at a time per device.
    /// </summary>
    public async Task RunAsync(IByteLink link, PowerOnBoot powerOn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            throw new InvalidOperationException($"Device {Index} ({Mac}) is already attached to a link.");
        }

        try
        {
            await new DeviceRun(this, link, powerOn).RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>Starts <see cref="RunAsync"/> in the background; disposing the attachment stops it.</summary>
    public DeviceAttachment Attach(IByteLink link, PowerOnBoot powerOn = PowerOnBoot.Straps) => new(this, link, powerOn);

    /// <summary>
    /// Writes the whole flash to <c>&lt;directory&gt;/&lt;MAC&gt;.bin</c> atomically, and the fault record beside it
    /// (<see cref="FaultsFileName"/>) when the board has one; returns the dump's path.
    /// </summary>
    public async Task<string> DumpAsync(string directory, CancellationToken cancellationToken)
    {
        string path = await FlashDump.WriteAsync(Flash, Path.Combine(directory, DumpFileName), cancellationToken).ConfigureAwait(false);
        if (Options.Faults.Log is { } log)
        {
            await log.WriteAsync(Path.Combine(directory, FaultsFileName), Mac, cancellationToken).ConfigureAwait(false);
        }

        return path;
    }

    internal void Report(DeviceActivity activity, string detail)
    {
        Action<DeviceEvent>? handler;
        lock (_gate)
        {
            Activity = activity;
            handler = ActivityChanged;
        }

        Options.Faults.Log?.SetActivity(activity.ToString());
        handler?.Invoke(new DeviceEvent(Index, Mac, activity, detail, Options.Time.GetUtcNow()));
    }

    internal void RaiseUnplugged(TimeSpan delay) => Unplugged?.Invoke(delay);

    private void OnFaultInjected(InjectedFault fault)
    {
        Action<DeviceEvent>? handler;
        DeviceActivity activity;
        lock (_gate)
        {
            activity = Activity;
            handler = ActivityChanged;
        }

        handler?.Invoke(new DeviceEvent(Index, Mac, activity, $"fault {fault.Kind}: {fault.Detail}", fault.At) { Fault = fault });
    }
}

/// <summary>A device running over a link in the background (in-process attach, e.g. to an <c>InMemoryLinkPair</c>).</summary>
public sealed class DeviceAttachment : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    internal DeviceAttachment(SimulatedDevice device, IByteLink link, PowerOnBoot powerOn)
    {
        Device = device;
        Completion = Task.Run(() => device.RunAsync(link, powerOn, _stop.Token));
    }

    public SimulatedDevice Device { get; }

    /// <summary>Completes when the run ends (link gone or stopped); faults if the device failed.</summary>
    public Task Completion { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Completion.ConfigureAwait(false);
        }
        finally
        {
            _stop.Dispose();
        }
    }
}
