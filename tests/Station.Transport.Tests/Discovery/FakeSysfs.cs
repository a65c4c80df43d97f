namespace Station.Transport.Tests.Discovery;

/// <summary>
/// A throw-away sysfs and /dev tree shaped like a real Linux one: devices under
/// <c>sys/devices/pci0000:00/0000:00:14.0/usb1/…</c>, relative symlinks from <c>sys/class/tty</c>, from
/// each port's <c>device</c>, <c>driver</c> and <c>subsystem</c>, and udev's <c>dev/serial/by-*</c> links.
/// </summary>
internal sealed class FakeSysfs : IDisposable
{
    private const string Controller = "devices/pci0000:00/0000:00:14.0";

    public FakeSysfs()
    {
        Root = Path.Combine(Path.GetTempPath(), "station-sysfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Sys, "class", "tty"));
        Directory.CreateDirectory(Path.Combine(Dev, "serial", "by-path"));
        Directory.CreateDirectory(Path.Combine(Dev, "serial", "by-id"));
        // The root hub of bus 1 has ids of its own (Linux Foundation 2.0 root hub): the walk must stop below it.
        Attributes(Path.Combine(Sys, Controller, "usb1"), ("idVendor", "1d6b"), ("idProduct", "0002"), ("product", "xHCI Host Controller"));
    }

    public string Root { get; }

    public string Sys => Path.Combine(Root, "sys");

    public string Dev => Path.Combine(Root, "dev");

    /// <summary>
    /// A USB device at <paramref name="hubPath"/> (e.g. <c>1-1.4.2</c>), with a hub (Genesys 05e3:0610)
    /// at every intermediate position; returns its directory.
    /// </summary>
    public string UsbDevice(string hubPath, string vendor, string product, string? serial = null, string? manufacturer = null, string? productName = null)
    {
        string directory = DevicePath(hubPath);
        string bus = hubPath.Split('-')[0];
        string[] ports = hubPath.Split('-')[1].Split('.');
        for (int i = 1; i < ports.Length; i++)
        {
            string hub = $"{bus}-{string.Join('.', ports.Take(i))}";
            if (!File.Exists(Path.Combine(DevicePath(hub), "idVendor")))
            {
                Attributes(DevicePath(hub), ("idVendor", "05e3"), ("idProduct", "0610"), ("product", "USB2.0 Hub"), ("devpath", hub.Split('-')[1]));
            }
        }

        Attributes(directory, ("idVendor", vendor), ("idProduct", product), ("serial", serial), ("manufacturer", manufacturer), ("product", productName),
            ("devpath", string.Join('.', ports)), ("busnum", bus));
        return directory;
    }

    /// <summary>A port of a usb-serial bridge driver (cp210x, ch341, ftdi_sio): interface, then a <c>ttyUSBn</c> directory, then <c>tty/ttyUSBn</c>.</summary>
    public void UsbSerialPort(string usbDevice, int interfaceNumber, string tty, string driver)
    {
        string usbInterface = Interface(usbDevice, interfaceNumber, driver);
        string port = Path.Combine(usbInterface, tty);
        Directory.CreateDirectory(port);
        Link(Path.Combine(port, "driver"), Path.Combine(Sys, "bus", "usb-serial", "drivers", driver));
        Link(Path.Combine(port, "subsystem"), Path.Combine(Sys, "bus", "usb-serial"));
        File.WriteAllText(Path.Combine(port, "port_number"), "0\n");
        ClassEntry(tty, port);
    }

    /// <summary>A CDC-ACM port (the chip's USB-Serial/JTAG, CH9102): the tty's device is the interface itself.</summary>
    public void AcmPort(string usbDevice, int interfaceNumber, string tty)
    {
        string usbInterface = Interface(usbDevice, interfaceNumber, "cdc_acm");
        ClassEntry(tty, usbInterface);
    }

    /// <summary>A virtual terminal (tty0, console): no device link.</summary>
    public void VirtualTerminal(string tty)
    {
        string directory = Path.Combine(Sys, "devices", "virtual", "tty", tty);
        Directory.CreateDirectory(directory);
        Link(Path.Combine(Sys, "class", "tty", tty), directory);
    }

    /// <summary>
    /// A legacy 8250 UART registered by the platform driver whether the hardware exists or not; with
    /// <paramref name="serialBase"/>, shaped as Linux 6.5+ does it (serial-base controller and port devices between).
    /// </summary>
    public void PlatformUart(string tty, bool serialBase = false) =>
        Uart(Path.Combine(Sys, "devices", "platform", "serial8250"), "platform", "serial8250", tty, serialBase);

    /// <summary>A real on-board UART found by ACPI/PnP (<c>00:00</c>, driver <c>serial</c>).</summary>
    public void PnpUart(string tty, bool serialBase = false) =>
        Uart(Path.Combine(Sys, "devices", "pnp0", "00:00"), "pnp", "serial", tty, serialBase);

    /// <summary>Takes a port away (unplugged): its class entry goes, as do udev links to it.</summary>
    public void Unplug(string tty)
    {
        File.Delete(Path.Combine(Sys, "class", "tty", tty));
        foreach (string kind in new[] { "by-path", "by-id" })
        {
            foreach (string link in Directory.GetFileSystemEntries(Path.Combine(Dev, "serial", kind)))
            {
                if (Path.GetFileName(new FileInfo(link).LinkTarget) == tty)
                {
                    File.Delete(link);
                }
            }
        }
    }

    private void Uart(string device, string bus, string driver, string tty, bool serialBase)
    {
        Directory.CreateDirectory(device);
        Link(Path.Combine(device, "driver"), Path.Combine(Sys, "bus", bus, "drivers", driver));
        Link(Path.Combine(device, "subsystem"), Path.Combine(Sys, "bus", bus));
        string ttyDevice = device;
        if (serialBase)
        {
            string name = Path.GetFileName(device);
            foreach (var (level, role) in new[] { ($"{name}:0", "ctrl"), ($"{name}:0.0", "port") })
            {
                ttyDevice = Path.Combine(ttyDevice, level);
                Directory.CreateDirectory(ttyDevice);
                Link(Path.Combine(ttyDevice, "driver"), Path.Combine(Sys, "bus", "serial-base", "drivers", role));
                Link(Path.Combine(ttyDevice, "subsystem"), Path.Combine(Sys, "bus", "serial-base"));
            }
        }

        ClassEntry(tty, ttyDevice);
    }

    /// <summary>Removes a USB device directory (after unplugging its ports).</summary>
    public void RemoveDevice(string usbDevice) => Directory.Delete(usbDevice, recursive: true);

    public void ByPath(string name, string tty) => File.CreateSymbolicLink(Path.Combine(Dev, "serial", "by-path", name), $"../../{tty}");

    public void ById(string name, string tty) => File.CreateSymbolicLink(Path.Combine(Dev, "serial", "by-id", name), $"../../{tty}");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }

    private string DevicePath(string hubPath) =>
        Path.Combine(Sys, Controller, "usb" + hubPath.Split('-')[0], string.Join('/', Chain(hubPath)));

    /// <summary>1-1.4.2 → 1-1, 1-1.4, 1-1.4.2 (each USB device directory sits in its parent hub's).</summary>
    private static IEnumerable<string> Chain(string hubPath)
    {
        string bus = hubPath.Split('-')[0];
        string[] ports = hubPath.Split('-')[1].Split('.');
        for (int i = 1; i <= ports.Length; i++)
        {
            yield return $"{bus}-{string.Join('.', ports.Take(i))}";
        }
    }

    private string Interface(string usbDevice, int number, string driver)
    {
        string directory = Path.Combine(usbDevice, $"{Path.GetFileName(usbDevice)}:1.{number}");
        Attributes(directory, ("bInterfaceNumber", number.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)), ("bInterfaceClass", driver == "cdc_acm" ? "02" : "ff"));
        if (!File.Exists(Path.Combine(directory, "driver")))
        {
            Link(Path.Combine(directory, "driver"), Path.Combine(Sys, "bus", "usb", "drivers", driver));
            Link(Path.Combine(directory, "subsystem"), Path.Combine(Sys, "bus", "usb"));
        }

        return directory;
    }

    /// <summary><c>class/tty/&lt;tty&gt;</c> → <c>&lt;device&gt;/tty/&lt;tty&gt;</c>, whose <c>device</c> points back at the device.</summary>
    private void ClassEntry(string tty, string device)
    {
        string node = Path.Combine(device, "tty", tty);
        Directory.CreateDirectory(node);
        File.WriteAllText(Path.Combine(node, "dev"), "188:0\n");
        Link(Path.Combine(node, "device"), device);
        Link(Path.Combine(Sys, "class", "tty", tty), node);
    }

    private static void Attributes(string directory, params (string Name, string? Value)[] values)
    {
        Directory.CreateDirectory(directory);
        foreach (var (name, value) in values)
        {
            if (value is not null)
            {
                File.WriteAllText(Path.Combine(directory, name), value + "\n");
            }
        }
    }

    /// <summary>A relative symlink, as sysfs makes them.</summary>
    private static void Link(string path, string target)
    {
        Directory.CreateDirectory(target);
        File.CreateSymbolicLink(path, Path.GetRelativePath(Path.GetDirectoryName(path)!, target));
    }
}
