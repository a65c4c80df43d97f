using System.Text.Json;
using Station.Cli.Tests.Support;
using Station.Transport.Tests.Discovery;

namespace Station.Cli.Tests.Ports;

/// <summary><c>station ports</c> against a fake sysfs tree: what an operator needs to tell the slots apart.</summary>
public sealed class PortsCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly FakeSysfs _fs = new();

    public PortsCommandTests()
    {
        _fs.UsbSerialPort(_fs.UsbDevice("1-1.4.2", "10c4", "ea60", serial: "0001", productName: "CP2102 USB to UART Bridge Controller"), 0, "ttyUSB0", "cp210x");
        _fs.UsbSerialPort(_fs.UsbDevice("1-1.4.1", "1a86", "7523", productName: "USB Serial"), 0, "ttyUSB1", "ch341");
        _fs.AcmPort(_fs.UsbDevice("1-2", "303a", "1001", serial: "84:F7:03:12:34:56"), 0, "ttyACM0");
        _fs.ByPath("pci-0000:00:14.0-usb-0:1.4.2:1.0-port0", "ttyUSB0");
        _fs.PnpUart("ttyS0");
    }

    [Fact]
    public async Task Ports_Table_OneRowPerUsbPortInHubOrderWithBridgeSerialAndHubPath()
    {
        var (code, output, error) = await Station("ports");

        Assert.True(code == 0, error);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("PORT", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"ttyUSB1\s+1a86:7523\s+CH340\s+1-1\.4\.1\s+460800", lines[1]);
        Assert.Matches(@"ttyUSB0\s+10c4:ea60\s+CP210x\s+0001\s+1-1\.4\.2\s+921600\s+\S+/by-path/pci-0000:00:14\.0-usb-0:1\.4\.2:1\.0-port0", lines[2]);
        Assert.Matches(@"ttyACM0\s+303a:1001\s+ESP USB-Serial/JTAG\s+84:F7:03:12:34:56\s+1-2\s+any \(USB\)", lines[3]);
        Assert.DoesNotContain("ttyS0", output, StringComparison.Ordinal);
        Assert.Contains("CH340: WCH bridges", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ports_AllAndJson_ListsTheOnBoardUartTooWithTheUsbDetails()
    {
        var (code, output, error) = await Station("ports", "--all", "--json");

        Assert.True(code == 0, error);
        var ports = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        Assert.Equal(["ttyUSB1", "ttyUSB0", "ttyACM0", "ttyS0"], ports.Select(p => p.GetProperty("name").GetString()));
        var cp = ports[1];
        Assert.Equal("10c4:ea60", cp.GetProperty("usb").GetProperty("id").GetString());
        Assert.Equal(0x10c4, cp.GetProperty("usb").GetProperty("vendorId").GetInt32());
        Assert.Equal("1-1.4.2", cp.GetProperty("usb").GetProperty("hubPath").GetString());
        Assert.Equal("0001", cp.GetProperty("usb").GetProperty("serial").GetString());
        Assert.Equal("CP210x", cp.GetProperty("adapter").GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, ports[3].GetProperty("usb").ValueKind);
        Assert.Equal("serial", ports[3].GetProperty("driver").GetString());
    }

    [Fact]
    public async Task Ports_WithAStationFile_NamesEachPortsSlotAndListsTheEmptyOnes()
    {
        string file = Path.Combine(_fs.Root, "station.json");
        await File.WriteAllTextAsync(file, """
            { "slots": [
                { "name": "fixture A, slot 1", "usb": "1-1.4.1" },
                { "name": "fixture A, slot 2", "byPath": "pci-0000:00:14.0-usb-0:1.4.2:1.0-port0" },
                { "name": "fixture A, slot 3", "usb": "1-1.4.3" } ] }
            """);

        var (code, output, error) = await Station("ports", "--slots", file);

        Assert.True(code == 0, error);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("SLOT", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^fixture A, slot 1\s+\S+/ttyUSB1\s+1a86:7523", lines[1]);
        Assert.Matches(@"^fixture A, slot 2\s+\S+/ttyUSB0\s+10c4:ea60", lines[2]);
        Assert.Matches(@"^-\s+\S+/ttyACM0", lines[3]);
        Assert.Contains("Empty: fixture A, slot 3 (usb 1-1.4.3): nothing plugged in there.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ports_BrokenStationFile_Exit2WithTheProblemAtItsPath()
    {
        string file = Path.Combine(_fs.Root, "station.json");
        await File.WriteAllTextAsync(file, "{ \"slots\": [ { \"name\": \"A1\", \"usb\": \"ttyUSB0\" } ] }");

        var (code, _, error) = await Station("ports", "--slots", file);

        Assert.Equal(2, code);
        Assert.Contains("$.slots[0].usb: 'ttyUSB0' is not a hub path", error, StringComparison.Ordinal);
    }

    public void Dispose() => _fs.Dispose();

    private Task<(int Code, string Output, string Error)> Station(params string[] arguments) =>
        StationProcess.RunAsync(_fs.Root, Timeout, [.. arguments, "--sys-root", _fs.Sys, "--dev-root", _fs.Dev]);
}
