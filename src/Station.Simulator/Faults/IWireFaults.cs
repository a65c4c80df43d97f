namespace Station.Simulator.Faults;

/// <summary>
/// Hook points on the serial wire (byte corruption, dropped bytes, a baud ceiling, a dead host→device
/// line). The wire calls them on every chunk; <see cref="NoFaults"/> leaves everything untouched.
/// Implementations must be deterministic for a given seed.
/// </summary>
public interface IWireFaults
{
    /// <summary>Bytes the host sent, as the device's UART receives them; may return a changed copy (empty = lost).</summary>
    byte[] HostToDevice(byte[] chunk);

    /// <summary>Bytes the device sends, as they leave its TX pin; may return a changed copy (empty = dead TX).</summary>
    byte[] DeviceToHost(byte[] chunk);

    /// <summary>The highest baud the line carries cleanly, or null for no limit.</summary>
    int? BaudCeiling { get; }

    /// <summary>The wire garbled bytes because <paramref name="baud"/> is above <see cref="BaudCeiling"/> (for the fault record).</summary>
    void CeilingExceeded(int baud)
    {
    }
}
