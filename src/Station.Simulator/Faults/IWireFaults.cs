namespace Station.Simulator.Faults;

/// <summary>
/// Hook points on the serial wire, for the fault-injection work (byte corruption, dropped bytes,
/// a baud ceiling, a dead TX line). The wire calls them on every chunk; <see cref="NoFaults"/> leaves
/// everything untouched. Implementations must be deterministic for a given seed.
/// </summary>
public interface IWireFaults
{
    /// <summary>Bytes the host sent, as the device's UART receives them; may return a changed copy.</summary>
    byte[] HostToDevice(byte[] chunk);

    /// <summary>Bytes the device sends, as they leave its TX pin; may return a changed copy (empty = dead TX).</summary>
    byte[] DeviceToHost(byte[] chunk);

    /// <summary>The highest baud the line carries cleanly, or null for no limit.</summary>
    int? BaudCeiling { get; }
}

/// <summary>Hook points in the flash chip, for the fault-injection work (program errors, bit flips, slow erase).</summary>
public interface IFlashFaults
{
    /// <summary>The bytes actually driven onto the cells when <paramref name="data"/> is programmed at <paramref name="address"/>.</summary>
    ReadOnlySpan<byte> Program(uint address, ReadOnlySpan<byte> data);

    /// <summary>Extra time an erase of <paramref name="bytes"/> takes on top of the datasheet figure.</summary>
    TimeSpan ExtraEraseTime(uint address, uint bytes);
}

/// <summary>Hook points in the boot path (no download mode, brownout, application output flood).</summary>
public interface IBootFaults
{
    /// <summary>False models a board whose IO0 never reaches the chip: every boot runs the app.</summary>
    bool DownloadModeReachable { get; }
}

/// <summary>The absence of faults: every hook is a pass-through.</summary>
public sealed class NoFaults : IWireFaults, IFlashFaults, IBootFaults
{
    public static readonly NoFaults Instance = new();

    private NoFaults()
    {
    }

    public int? BaudCeiling => null;

    public bool DownloadModeReachable => true;

    public byte[] HostToDevice(byte[] chunk) => chunk;

    public byte[] DeviceToHost(byte[] chunk) => chunk;

    public ReadOnlySpan<byte> Program(uint address, ReadOnlySpan<byte> data) => data;

    public TimeSpan ExtraEraseTime(uint address, uint bytes) => TimeSpan.Zero;
}

/// <summary>
/// The set of faults one device suffers. Today it only carries the hook implementations; the
/// fault-injection task fills it with concrete faults (see field-failures.md F1–F9).
/// </summary>
public sealed record FaultPlan
{
    public static readonly FaultPlan None = new();

    public IWireFaults Wire { get; init; } = NoFaults.Instance;

    public IFlashFaults Flash { get; init; } = NoFaults.Instance;

    public IBootFaults Boot { get; init; } = NoFaults.Instance;
}
