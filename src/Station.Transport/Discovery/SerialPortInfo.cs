namespace Station.Transport.Discovery;

/// <summary>
/// The USB side of a serial port, as the kernel describes it in sysfs.
/// </summary>
/// <param name="HubPath">
/// The physical position: bus, then the hub port chain, as sysfs names the device and udev's
/// <c>KERNELS</c> matches it (<c>1-1.4.2</c> = bus 1, root port 1, hub port 4, hub port 2). It stays the
/// same when the board is re-plugged into the same socket, whatever /dev name it gets.
/// </param>
/// <param name="Interface">The USB interface the port belongs to (<c>1-1.4.2:1.0</c>); dual and quad bridges have one per port.</param>
/// <param name="InterfaceNumber">bInterfaceNumber of that interface (0 for single-port bridges).</param>
public sealed record UsbPortDetails(
    UsbId Id,
    string? Serial,
    string? Manufacturer,
    string? Product,
    string HubPath,
    string Interface,
    int InterfaceNumber)
{
    /// <summary>The key a slot map uses: the hub path, or the interface for the second and later ports of a multi-port bridge.</summary>
    public string SlotKey => InterfaceNumber == 0 ? HubPath : Interface;
}

/// <summary>One serial port of this machine: its device node, its kernel driver, and where it is plugged in.</summary>
/// <param name="Name">The kernel's name: <c>ttyUSB0</c>, <c>ttyACM1</c>.</param>
/// <param name="DevicePath">What to open: <c>/dev/ttyUSB0</c>.</param>
/// <param name="Driver">The kernel driver: <c>cp210x</c>, <c>ch341</c>, <c>ftdi_sio</c>, <c>cdc_acm</c>, <c>serial8250</c>.</param>
/// <param name="Usb">The USB details; null for ports not on USB.</param>
/// <param name="ByPath">The udev symlink that names the physical position (<c>/dev/serial/by-path/…</c>), when there is one.</param>
/// <param name="ById">The udev symlink that names the adapter (<c>/dev/serial/by-id/…</c>), when there is one.</param>
/// <param name="Adapter">What the station knows about this bridge chip, when its VID:PID is in the catalogue.</param>
public sealed record SerialPortInfo(
    string Name,
    string DevicePath,
    string? Driver,
    UsbPortDetails? Usb,
    string? ByPath,
    string? ById,
    AdapterSpec? Adapter)
{
    /// <summary>The name of the bridge for people: the catalogue's, else the USB product string, else the driver.</summary>
    public string BridgeName => Adapter?.Name ?? Usb?.Product ?? Driver ?? "";

    /// <summary>One line for records: <c>10c4:ea60 CP210x sn 0001 at 1-1.4.2</c>; null for ports not on USB.</summary>
    public string? UsbSummary => Usb is not { } usb
        ? null
        : $"{usb.Id} {BridgeName}{(usb.Serial is null ? "" : $" sn {usb.Serial}")} at {usb.SlotKey}";
}
