using Station.Protocol.Chips;
using Station.Simulator.Registers;

namespace Station.Simulator.Tests.Registers;

public sealed class RegisterEncodingTests
{
    [Theory]
    [InlineData("123456789", 0xA1)]
    public void MacCrc8_Ascii_MatchesCrc8Maxim(string text, byte expected) =>
        Assert.Equal(expected, MacCrc8.Compute(System.Text.Encoding.ASCII.GetBytes(text)));

    [Theory]
    [InlineData("48:63:92:15:72:16", 0x75)]
    [InlineData("aa:cd:ef:11:22:33", 0x63)]
    [InlineData("aa:cd:ef:01:02:03", 0x56)]
    [InlineData("94:b9:7e:5a:6e:58", 0xE2)]
    [InlineData("00:00:00:00:00:00", 0x00)]
    public void MacCrc8_DocumentedVectors(string mac, byte expected) =>
        Assert.Equal(expected, MacCrc8.Compute(MacAddress.Parse(mac).GetBytes()));

    [Fact]
    public void Encode_Esp32DocumentedMac_GivesEsptoolWords()
    {
        var words = MacEfuseWords.Encode(ChipCatalogue.Esp32, MacAddress.Parse("94:b9:7e:5a:6e:58"));

        Assert.Equal(0x7E5A_6E58u, words[0x3FF5_A004]);
        Assert.Equal(0x00E2_94B9u, words[0x3FF5_A008]);
    }

    [Fact]
    public void Encode_Esp32C6_CarriesEui64ExtensionInMac1TopHalf()
    {
        var words = MacEfuseWords.Encode(ChipCatalogue.Esp32C6, MacAddress.Parse("40:4c:ca:11:22:33"));

        Assert.Equal(0x11_2233u | 0xCA00_0000u, words[ChipCatalogue.Esp32C6.Mac.Mac0]);
        Assert.Equal(0xFFFE_404Cu, words[ChipCatalogue.Esp32C6.Mac.Mac1]);
    }

    [Fact]
    public void Encode_Esp8266ForeignOui_Rejected() =>
        Assert.Throws<ArgumentException>(() => MacEfuseWords.Encode(ChipCatalogue.Esp8266, MacAddress.Parse("24:0a:c4:00:00:01")));

    [Fact]
    public void DeviceMacs_SameSeed_UniqueAndRepeatable()
    {
        var fleet = Enumerable.Range(0, 64).Select(i => DeviceMacs.For(ChipCatalogue.Esp32, 7, i)).ToList();

        Assert.Equal(64, fleet.Distinct().Count());
        Assert.Equal(fleet, Enumerable.Range(0, 64).Select(i => DeviceMacs.For(ChipCatalogue.Esp32, 7, i)));
        Assert.All(fleet, m => Assert.StartsWith("24:0A:C4:", m.ToString(), StringComparison.Ordinal));
        Assert.StartsWith("18:FE:34:", DeviceMacs.For(ChipCatalogue.Esp8266, 7, 0).ToString(), StringComparison.Ordinal);
    }
}
