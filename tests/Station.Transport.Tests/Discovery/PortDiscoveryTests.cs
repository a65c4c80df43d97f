using Station.Transport.Discovery;

namespace Station.Transport.Tests.Discovery;

/// <summary>Port discovery against fake sysfs trees laid out like a real PC's (xHCI controller, hubs, usb-serial and cdc_acm ports).</summary>
public sealed class PortDiscoveryTests : IDisposable
{
    private readonly FakeSysfs _fs = new();

    [Fact]
    public void Scan_Cp2102BehindTwoHubs_ReportsIdsStringsSerialAndHubPath()
    {
        var device = _fs.UsbDevice("1-1.4.2", "10c4", "ea60", serial: "0001", manufacturer: "Silicon Labs", productName: "CP2102 USB to UART Bridge Controller");
        _fs.UsbSerialPort(device, 0, "ttyUSB0", "cp210x");

        var port = Assert.Single(Discover().Scan());

        Assert.Equal("ttyUSB0", port.Name);
        Assert.Equal(Path.Combine(_fs.Dev, "ttyUSB0"), port.DevicePath);
        Assert.Equal("cp210x", port.Driver);
        Assert.Equal(new UsbPortDetails(new UsbId(0x10c4, 0xea60), "0001", "Silicon Labs", "CP2102 USB to UART Bridge Controller", "1-1.4.2", "1-1.4.2:1.0", 0), port.Usb);
        Assert.Equal("CP210x", port.Adapter?.Name);
        Assert.Equal(921600, port.Adapter?.MaxReliableBaud);
        Assert.Equal("1-1.4.2", port.Usb!.SlotKey);
    }

    [Fact]
    public void Scan_EspUsbSerialJtagOnCdcAcm_ReportsTheInterfaceAndTheMacAsSerial()
    {
        var device = _fs.UsbDevice("3-2", "303a", "1001", serial: "84:F7:03:12:34:56", manufacturer: "Espressif", productName: "USB JTAG/serial debug unit");
        _fs.AcmPort(device, 0, "ttyACM0");

        var port = Assert.Single(Discover().Scan());

        Assert.Equal("cdc_acm", port.Driver);
        Assert.Equal("3-2", port.Usb!.HubPath);
        Assert.Equal("3-2:1.0", port.Usb.Interface);
        Assert.Equal("84:F7:03:12:34:56", port.Usb.Serial);
        Assert.True(port.Adapter!.UsbSerialJtag);
        Assert.Null(port.Adapter.MaxReliableBaud);
        Assert.Equal(["usb-jtag-serial"], port.Adapter.ResetOrder);
    }

    [Fact]
    public void Scan_DualFtdiBridge_TwoPortsOnOneHubPathWithTheirOwnInterfaces()
    {
        var device = _fs.UsbDevice("1-3", "0403", "6010", serial: "FT5ABC", manufacturer: "FTDI", productName: "Dual RS232-HS");
        _fs.UsbSerialPort(device, 1, "ttyUSB2", "ftdi_sio");
        _fs.UsbSerialPort(device, 0, "ttyUSB1", "ftdi_sio");

        var ports = Discover().Scan();

        Assert.Equal(["ttyUSB1", "ttyUSB2"], ports.Select(p => p.Name));
        Assert.All(ports, p => Assert.Equal("1-3", p.Usb!.HubPath));
        Assert.Equal(["1-3", "1-3:1.1"], ports.Select(p => p.Usb!.SlotKey));
        Assert.Equal([0, 1], ports.Select(p => p.Usb!.InterfaceNumber));
        Assert.All(ports, p => Assert.Equal("FT2232H", p.BridgeName));
    }

    [Fact]
    public void Scan_Ch340WithoutASerialNumber_SerialIsNullAndTheAdapterLimitsTheBaud()
    {
        var device = _fs.UsbDevice("1-1.1", "1a86", "7523", productName: "USB Serial");
        _fs.UsbSerialPort(device, 0, "ttyUSB0", "ch341");

        var port = Assert.Single(Discover().Scan());

        Assert.Null(port.Usb!.Serial);
        Assert.Null(port.Usb.Manufacturer);
        Assert.Equal("ch341", port.Driver);
        Assert.Equal("CH340", port.Adapter!.Name);
        Assert.Equal(460800, port.Adapter.MaxReliableBaud);
        Assert.Equal("unix-tight", port.Adapter.ResetOrder[0]);
    }

    [Fact]
    public void Scan_UnknownBridge_HasNoAdapterAndIsNamedByItsProductString()
    {
        var device = _fs.UsbDevice("2-1", "1234", "abcd", productName: "Fixture Bridge");
        _fs.UsbSerialPort(device, 0, "ttyUSB7", "usbserial_generic");

        var port = Assert.Single(Discover().Scan());

        Assert.Null(port.Adapter);
        Assert.Equal("Fixture Bridge", port.BridgeName);
        Assert.Equal("1234:abcd", port.Usb!.Id.ToString());
    }

    [Fact]
    public void Scan_VirtualTerminalsAndPhantomPlatformUarts_AreLeftOut()
    {
        _fs.VirtualTerminal("tty0");
        _fs.VirtualTerminal("console");
        _fs.PlatformUart("ttyS3");
        var device = _fs.UsbDevice("1-2", "10c4", "ea60");
        _fs.UsbSerialPort(device, 0, "ttyUSB0", "cp210x");

        Assert.Equal(["ttyUSB0"], Discover().Scan().Select(p => p.Name));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Scan_OnBoardUartBeforeAndAfterLinux65_IsListedWithItsHardwareDriver(bool serialBase)
    {
        _fs.PnpUart("ttyS0", serialBase);
        _fs.PlatformUart("ttyS1", serialBase);

        var port = Assert.Single(Discover().Scan());

        Assert.Equal("ttyS0", port.Name);
        Assert.Equal("serial", port.Driver);
        Assert.Null(port.Usb);
        Assert.Null(port.Adapter);
    }

    [Fact]
    public void Scan_UdevLinks_AreAttachedToTheirPorts()
    {
        var cp = _fs.UsbDevice("1-1.4.2", "10c4", "ea60", serial: "0001");
        _fs.UsbSerialPort(cp, 0, "ttyUSB0", "cp210x");
        var jtag = _fs.UsbDevice("1-2", "303a", "1001", serial: "84:F7:03:12:34:56");
        _fs.AcmPort(jtag, 0, "ttyACM0");
        _fs.ByPath("pci-0000:00:14.0-usb-0:1.4.2:1.0-port0", "ttyUSB0");
        _fs.ById("usb-Silicon_Labs_CP2102_USB_to_UART_Bridge_Controller_0001-if00-port0", "ttyUSB0");
        _fs.ByPath("pci-0000:00:14.0-usb-0:2:1.0", "ttyACM0");

        var ports = Discover().Scan().ToDictionary(p => p.Name);

        Assert.Equal(Path.Combine(_fs.Dev, "serial", "by-path", "pci-0000:00:14.0-usb-0:1.4.2:1.0-port0"), ports["ttyUSB0"].ByPath);
        Assert.Equal(Path.Combine(_fs.Dev, "serial", "by-id", "usb-Silicon_Labs_CP2102_USB_to_UART_Bridge_Controller_0001-if00-port0"), ports["ttyUSB0"].ById);
        Assert.Equal(Path.Combine(_fs.Dev, "serial", "by-path", "pci-0000:00:14.0-usb-0:2:1.0"), ports["ttyACM0"].ByPath);
        Assert.Null(ports["ttyACM0"].ById);
    }

    [Fact]
    public void Scan_ManyHubPorts_OrderedByPositionNotByText()
    {
        foreach (var (hub, tty) in new[] { ("1-1.10", "ttyUSB0"), ("1-1.2", "ttyUSB1"), ("2-1", "ttyUSB2"), ("1-1.9.1", "ttyUSB3") })
        {
            _fs.UsbSerialPort(_fs.UsbDevice(hub, "10c4", "ea60"), 0, tty, "cp210x");
        }

        Assert.Equal(["1-1.2", "1-1.9.1", "1-1.10", "2-1"], Discover().Scan().Select(p => p.Usb!.HubPath));
    }

    [Fact]
    public void Find_ByPathLink_DescribesThePortItLeadsTo()
    {
        _fs.UsbSerialPort(_fs.UsbDevice("1-1.3", "1a86", "55d4", serial: "5434012345"), 0, "ttyACM3", "cdc_acm");
        _fs.ByPath("pci-0000:00:14.0-usb-0:1.3:1.0", "ttyACM3");

        var port = Discover().Find(Path.Combine(_fs.Dev, "serial", "by-path", "pci-0000:00:14.0-usb-0:1.3:1.0"));

        Assert.Equal("ttyACM3", port?.Name);
        Assert.Equal("CH9102", port?.Adapter?.Name);
        Assert.Null(Discover().Find(Path.Combine(_fs.Dev, "ttyUSB9")));
    }

    [Fact]
    public void AtHubPath_BoardReplugedUnderANewName_FindsItAtTheSamePosition()
    {
        var device = _fs.UsbDevice("1-1.4.2", "303a", "1001", serial: "84:F7:03:12:34:56");
        _fs.AcmPort(device, 0, "ttyACM0");
        var discovery = Discover();
        Assert.Equal("ttyACM0", discovery.AtHubPath("1-1.4.2")?.Name);

        _fs.Unplug("ttyACM0");
        _fs.RemoveDevice(device);
        Assert.Null(discovery.AtHubPath("1-1.4.2"));

        _fs.AcmPort(_fs.UsbDevice("1-1.4.2", "303a", "1001", serial: "84:F7:03:12:34:56"), 0, "ttyACM1");
        Assert.Equal("ttyACM1", discovery.AtHubPath("1-1.4.2")?.Name);
    }

    [Fact]
    public void AtHubPath_SecondInterfaceOfADualBridge_IsFoundByItsInterfaceName()
    {
        var device = _fs.UsbDevice("1-3", "10c4", "ea70");
        _fs.UsbSerialPort(device, 0, "ttyUSB0", "cp210x");
        _fs.UsbSerialPort(device, 1, "ttyUSB1", "cp210x");

        Assert.Equal("ttyUSB0", Discover().AtHubPath("1-3")?.Name);
        Assert.Equal("ttyUSB1", Discover().AtHubPath("1-3:1.1")?.Name);
    }

    [Fact]
    public void Scan_NoTtyClassAtAll_FindsNothing()
    {
        var discovery = new PortDiscovery(Path.Combine(_fs.Root, "nowhere"), _fs.Dev);

        Assert.Empty(discovery.Scan());
    }

    public void Dispose() => _fs.Dispose();

    private PortDiscovery Discover() => new(_fs.Sys, _fs.Dev);
}
