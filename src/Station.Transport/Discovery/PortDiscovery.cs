using System.Globalization;
using Station.Transport.Serial.Posix;

namespace Station.Transport.Discovery;

/// <summary>
/// Lists this machine's serial ports from Linux sysfs and udev's <c>/dev/serial/by-path</c> and
/// <c>by-id</c> links: for each port its driver, USB vendor/product id, serial number, strings and
/// physical hub path. Only reads; opens no port. Both roots can be moved, so tests run against a
/// fake tree shaped like the real one.
/// </summary>
/// <remarks>
/// The walk: <c>class/tty/&lt;name&gt;/device</c> is the port's device (a usb-serial port such as
/// <c>…/1-1.4.2:1.0/ttyUSB0</c>, or the USB interface itself for cdc_acm: <c>…/1-2:1.0</c>); its
/// ancestors lead to the USB interface (<c>bInterfaceNumber</c>) and the USB device (<c>idVendor</c>,
/// <c>idProduct</c>, <c>serial</c>, …) whose directory name is the hub path. Virtual terminals have no
/// device and are skipped, as are the legacy 8250 UARTs the platform driver registers whether or not
/// the hardware exists. On Linux 6.5 and later a UART's device is a <c>serial-base</c> port whose
/// ancestors are the hardware; the walk steps over them.
/// </remarks>
public sealed class PortDiscovery(string sysRoot = "/sys", string devRoot = "/dev", AdapterCatalogue? adapters = null)
{
    /// <summary>How far up from a port's device the USB device may be (usb-serial ports sit two levels below it).</summary>
    private const int MaxDepth = 6;

    private readonly AdapterCatalogue _adapters = adapters ?? AdapterCatalogue.Default;

    /// <summary>The machine's ports, as the operating system sees them now.</summary>
    public static PortDiscovery System { get; } = new();

    public string SysRoot { get; } = sysRoot;

    public string DevRoot { get; } = devRoot;

    /// <summary>
    /// Every serial port with a device behind it, USB ports first in hub-path order, then the others by
    /// name. Ports that vanish while being read are left out (the next scan will say whether they came back).
    /// </summary>
    public IReadOnlyList<SerialPortInfo> Scan()
    {
        var byPath = Links("by-path");
        var byId = Links("by-id");
        var ports = new List<SerialPortInfo>();
        foreach (string entry in Entries(Path.Combine(SysRoot, "class", "tty")))
        {
            if (Describe(entry, byPath, byId) is { } port)
            {
                ports.Add(port);
            }
        }

        return [.. ports
            .OrderBy(p => p.Usb is null)
            .ThenBy(p => p.Usb?.HubPath, HubPathComparer.Instance)
            .ThenBy(p => p.Usb?.InterfaceNumber)
            .ThenBy(p => p.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Describes the port a path names: a device node (<c>/dev/ttyUSB0</c>) or any symlink to one
    /// (<c>/dev/serial/by-path/…</c>, a udev alias); null when it is not a known serial port now.
    /// </summary>
    public SerialPortInfo? Find(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string name = KernelName(path);
        return Scan().FirstOrDefault(p => p.Name == name);
    }

    /// <summary>The port now at <paramref name="slotKey"/>: a hub path (<c>1-1.4.2</c>) or interface (<c>1-1.4.2:1.1</c>); null when nothing is plugged in there.</summary>
    public SerialPortInfo? AtHubPath(string slotKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(slotKey);
        var ports = Scan().Where(p => p.Usb is not null).ToList();
        return ports.FirstOrDefault(p => p.Usb!.Interface == slotKey)
            ?? ports.Where(p => p.Usb!.HubPath == slotKey).OrderBy(p => p.Usb!.InterfaceNumber).FirstOrDefault();
    }

    /// <summary>
    /// The USB port whose serial number is <paramref name="mac"/> (any of <c>84:F7:03:12:34:56</c>,
    /// <c>84-F7-…</c>, <c>84F703…</c>, either case): the chips' own USB-Serial/JTAG peripheral reports
    /// its MAC as its serial number, so a board that re-enumerated under another name is found by it.
    /// </summary>
    public SerialPortInfo? FindByMac(string mac)
    {
        ArgumentException.ThrowIfNullOrEmpty(mac);
        string wanted = HexOnly(mac);
        return wanted.Length == 12 ? Scan().FirstOrDefault(p => p.Usb?.Serial is { } serial && HexOnly(serial) == wanted) : null;
    }

    private static string HexOnly(string text) =>
        new([.. text.Where(c => c is not (':' or '-')).Select(char.ToUpperInvariant)]);

    /// <summary>The kernel name of the tty a path leads to (following symlinks inside the dev root too).</summary>
    private string KernelName(string path)
    {
        string current = path;
        for (int hops = 0; hops < 8; hops++)
        {
            string? target = LinkText(current);
            if (target is null)
            {
                break;
            }

            current = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(current) ?? "/", target));
        }

        return Path.GetFileName(current);
    }

    private SerialPortInfo? Describe(string classEntry, Dictionary<string, string> byPath, Dictionary<string, string> byId)
    {
        string name = Path.GetFileName(classEntry);
        string deviceLink = Path.Combine(classEntry, "device");
        if (LinkText(deviceLink) is null || Libc.ResolvePath(deviceLink) is not { } device)
        {
            return null;
        }

        // Since Linux 6.5 a UART's tty hangs off serial-base port/controller devices: the hardware is above them.
        while (LinkName(Path.Combine(device, "subsystem")) == "serial-base" && Path.GetDirectoryName(device) is { } parent)
        {
            device = parent;
        }

        string? driver = LinkName(Path.Combine(device, "driver"));
        string? subsystem = LinkName(Path.Combine(device, "subsystem"));
        if (driver == "serial8250" && subsystem == "platform")
        {
            return null;
        }

        UsbPortDetails? usb = UsbDetails(device);
        if (usb is null && driver is null)
        {
            return null;
        }

        return new SerialPortInfo(
            name,
            Path.Combine(DevRoot, name),
            driver,
            usb,
            byPath.GetValueOrDefault(name),
            byId.GetValueOrDefault(name),
            usb is null ? null : _adapters.Find(usb.Id));
    }

    /// <summary>Walks up from the port's device to the USB device (the first directory with idVendor and idProduct).</summary>
    private static UsbPortDetails? UsbDetails(string device)
    {
        string? child = null;
        string? directory = device;
        for (int depth = 0; depth <= MaxDepth && directory is not null; depth++)
        {
            if (UsbId.TryParseHex(Read(Path.Combine(directory, "idVendor")) ?? "", out ushort vendor)
                && UsbId.TryParseHex(Read(Path.Combine(directory, "idProduct")) ?? "", out ushort product))
            {
                // child is the interface on the way down to the port (cdc_acm: the port's device itself).
                string interfaceDir = child ?? device;
                string interfaceName = Path.GetFileName(interfaceDir);
                int number = int.TryParse(Read(Path.Combine(interfaceDir, "bInterfaceNumber")), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int n) ? n : 0;
                return new UsbPortDetails(
                    new UsbId(vendor, product),
                    Read(Path.Combine(directory, "serial")),
                    Read(Path.Combine(directory, "manufacturer")),
                    Read(Path.Combine(directory, "product")),
                    Path.GetFileName(directory),
                    interfaceName,
                    number);
            }

            child = directory;
            directory = Path.GetDirectoryName(directory);
        }

        return null;
    }

    /// <summary>udev's <c>/dev/serial/&lt;kind&gt;</c> links, by the kernel name they point at.</summary>
    private Dictionary<string, string> Links(string kind)
    {
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string link in Entries(Path.Combine(DevRoot, "serial", kind)).Order(StringComparer.Ordinal))
        {
            if (LinkText(link) is { } target)
            {
                links.TryAdd(Path.GetFileName(target), link);
            }
        }

        return links;
    }

    private static List<string> Entries(string directory)
    {
        try
        {
            return [.. Directory.EnumerateFileSystemEntries(directory)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string? LinkText(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? LinkName(string path) => LinkText(path) is { } target ? Path.GetFileName(target.TrimEnd('/')) : null;

    /// <summary>A sysfs attribute without its trailing newline; null when absent, unreadable or blank.</summary>
    private static string? Read(string path)
    {
        try
        {
            string text = File.ReadAllText(path).Trim();
            return text.Length == 0 ? null : text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Orders hub paths as numbers, port by port: 1-1.2 before 1-1.10, bus 2 after bus 1.</summary>
    private sealed class HubPathComparer : IComparer<string?>
    {
        public static readonly HubPathComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            if (x is null || y is null)
            {
                return string.CompareOrdinal(x, y);
            }

            string[] a = x.Split('-', '.');
            string[] b = y.Split('-', '.');
            for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
            {
                int order = int.TryParse(a[i], CultureInfo.InvariantCulture, out int p) && int.TryParse(b[i], CultureInfo.InvariantCulture, out int q)
                    ? p.CompareTo(q)
                    : string.CompareOrdinal(a[i], b[i]);
                if (order != 0)
                {
                    return order;
                }
            }

            return a.Length.CompareTo(b.Length);
        }
    }
}
