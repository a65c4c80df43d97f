using Station.Cli.Ports;
using Station.Transport.Discovery;

namespace Station.Cli.Tests.Ports;

public sealed class StationFileTests
{
    [Fact]
    public void Parse_SlotsByUsbByPathAndPort_KeepsThemInOrder()
    {
        var file = StationFile.Parse("station.json", """
            {
              "slots": [
                { "name": "fixture A, slot 1", "usb": "1-1.4.1" },
                { "name": "fixture A, slot 2", "usb": "1-3:1.1" },
                { "name": "fixture B, slot 1", "byPath": "pci-0000:00:14.0-usb-0:2:1.0" },
                { "name": "remote 1", "port": "rfc2217://10.0.0.7:4001" }, // a ser2net port
              ]
            }
            """);

        Assert.Equal(["usb 1-1.4.1", "usb 1-3:1.1", "by-path pci-0000:00:14.0-usb-0:2:1.0", "rfc2217://10.0.0.7:4001"], file.Slots.Select(s => s.Where));
        Assert.Equal("fixture A, slot 1", file.Slots[0].Name);
        Assert.Empty(file.Adapters);
    }

    [Fact]
    public void Parse_AdapterOverride_ChangesWhatItGivesAndKeepsTheRestOfTheBuiltInEntry()
    {
        var file = StationFile.Parse("station.json", """
            { "slots": [ { "name": "A1", "usb": "1-1" } ],
              "adapters": [ { "usb": "1A86:7523", "maxBaud": 230400 }, { "usb": "abcd:0001", "name": "fixture bridge", "resets": ["classic-slow"] } ] }
            """);

        var ch340 = file.Catalogue.Find(new UsbId(0x1a86, 0x7523))!;
        Assert.Equal(230400, ch340.MaxReliableBaud);
        Assert.Equal("CH340", ch340.Name);
        Assert.Equal(["unix-tight", "unix-tight-slow"], ch340.ResetOrder);
        var custom = file.Catalogue.Find(new UsbId(0xabcd, 0x0001))!;
        Assert.Equal(("fixture bridge", null), (custom.Name, custom.MaxReliableBaud));
        Assert.Equal(["classic-slow"], custom.ResetOrder);
    }

    [Fact]
    public void Parse_EveryMistake_IsReportedAtItsJsonPath()
    {
        var e = Assert.Throws<StationFileException>(() => StationFile.Parse("station.json", """
            {
              "slots": [
                { "name": "A1", "usb": "1-1.4.1" },
                { "name": "A1", "usb": "1-1.4.2" },
                { "usb": "1-1.4.1" },
                { "name": "A3", "usb": "ttyUSB0" },
                { "name": "A4" },
                { "name": "A5", "usb": "1-2", "port": "/dev/ttyUSB9" },
                { "name": "A6", "Port": "/dev/ttyUSB1" }
              ],
              "adapters": [ { "usb": "cp2102", "maxBaud": 1 }, { "usb": "10c4:ea60", "maxBaud": 1, "resets": ["wiggle"] } ],
              "slot": []
            }
            """));

        Assert.Equal(
        [
            "$.slot: is not a station file setting (known here: slots, adapters)",
            "$.slots[1].name: 'A1' names another slot too",
            "$.slots[2].name: is required: what operators call this slot, e.g. \"fixture A, slot 3\"",
            "$.slots[2]: usb 1-1.4.1 is another slot's place too",
            "$.slots[3].usb: 'ttyUSB0' is not a hub path like 1-1.4.2 (or an interface like 1-1.4.2:1.1); 'station ports' lists them",
            "$.slots[4]: needs where the slot is: \"usb\" (hub path such as 1-1.4.2, see 'station ports'), \"byPath\" or \"port\"",
            "$.slots[5]: give only one of \"usb\", \"byPath\" and \"port\"",
            "$.slots[6].Port: is not a station file setting; did you mean 'port'?",
            "$.slots[6]: needs where the slot is: \"usb\" (hub path such as 1-1.4.2, see 'station ports'), \"byPath\" or \"port\"",
            "$.adapters[0].usb: is required: the adapter's VID:PID as 'station ports' shows it, e.g. 1a86:7523",
            "$.adapters[1].maxBaud: must be a baud between 300 and 20000000, or null for no limit",
            "$.adapters[1].resets[0]: Unknown reset strategy 'wiggle'. Use classic, classic-slow, unix-tight, unix-tight-slow, usb-jtag-serial or a sequence like D0|R1|W0.1|D1|R0|W0.05|D0.",
        ], e.Problems.Select(p => p.ToString()));
    }

    [Theory]
    [InlineData("[]", "$: must be an object with a \"slots\" list")]
    [InlineData("{ \"slots\": [] }", "$.slots: must be a list of at least one slot")]
    [InlineData("{ \"slots\": ", "$: is not valid JSON")]
    public void Parse_NoUsableSlots_SaysSo(string json, string problem)
    {
        var e = Assert.Throws<StationFileException>(() => StationFile.Parse("station.json", json));

        Assert.StartsWith(problem, e.Problems[0].ToString(), StringComparison.Ordinal);
        Assert.Contains("station.json cannot be used:", e.Message, StringComparison.Ordinal);
    }
}
