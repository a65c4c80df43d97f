using Station.Protocol.Chips;
using Station.Simulator.Efuse;
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
        Flash = new NorFlash(options.FlashSize, options.Faults.Flash);

        // Fail early on a MAC the chip's eFuse layout cannot hold.
        _ = MacEfuseWords.Encode(options.Chip, Mac);
        Efuse = options.Chip.Kind == ChipKind.Esp32 ? Esp32EfuseArray.Factory(Mac) : null;
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

    /// <summary>Raised on every change of activity (from the device's own task).</summary>
    public event Action<DeviceEvent>? ActivityChanged;

    /// <summary>The dump file name: the MAC with dashes, e.g. <c>24-0A-C4-12-34-56.bin</c>.</summary>
    public string DumpFileName => Mac.ToString().Replace(':', '-') + ".bin";

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

    /// <summary>Writes the whole flash to <c>&lt;directory&gt;/&lt;MAC&gt;.bin</c> atomically; returns the path.</summary>
    public Task<string> DumpAsync(string directory, CancellationToken cancellationToken) =>
        FlashDump.WriteAsync(Flash, Path.Combine(directory, DumpFileName), cancellationToken);

    internal void Report(DeviceActivity activity, string detail)
    {
        Action<DeviceEvent>? handler;
        lock (_gate)
        {
            Activity = activity;
            handler = ActivityChanged;
        }

        handler?.Invoke(new DeviceEvent(Index, Mac, activity, detail, Options.Time.GetUtcNow()));
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
