using Station.Protocol.Chips;

namespace Station.Protocol.Tests.Chips;

public class MacDecoderTests
{
    [Fact]
    public void Decode_Esp32DocumentedVector()
    {
        // esptool docs: MAC 94:b9:7e:5a:6e:58 with CRC 0xE2 => word1 0x7E5A6E58, word2 0x00E294B9.
        var mac = MacDecoder.Decode(ChipCatalogue.Esp32, [0x7E5A_6E58, 0x00E2_94B9]);

        Assert.Equal("94:B9:7E:5A:6E:58", mac.ToString());
    }

    [Fact]
    public void Decode_NewerChips_UseTheSameFormulaOnBlock1()
    {
        var mac = MacDecoder.Decode(ChipCatalogue.Esp32S3, [0x1122_3344, 0xABCD_5566]);

        Assert.Equal("55:66:11:22:33:44", mac.ToString());
    }

    [Fact]
    public void Decode_Esp8266WithoutOuiWord_UsesTheEspressifOuiFromMac1()
    {
        uint mac0 = 0xAB00_0000;
        uint mac1 = 0x0000_CDEF;
        var mac = MacDecoder.Decode(ChipCatalogue.Esp8266, [mac0, mac1, 0]);
        var alternative = MacDecoder.Decode(ChipCatalogue.Esp8266, [mac0, mac1 | 0x0001_0000, 0]);

        Assert.Equal("18:FE:34:CD:EF:AB", mac.ToString());
        Assert.Equal("AC:D0:74:CD:EF:AB", alternative.ToString());
    }

    [Fact]
    public void Decode_Esp8266WithOuiWord_UsesIt()
    {
        var mac = MacDecoder.Decode(ChipCatalogue.Esp8266, [0x1200_0000, 0x0000_3456, 0x0060_0194]);

        Assert.Equal("60:01:94:34:56:12", mac.ToString());
    }

    [Fact]
    public void Decode_Esp8266UnknownOuiSelector_IsAProtocolError()
    {
        Assert.Throws<ProtocolException>(() => MacDecoder.Decode(ChipCatalogue.Esp8266, [0, 0x0002_0000, 0]));
    }

    [Fact]
    public void DecodeEui64_C6_InsertsTheExtensionBytes()
    {
        byte[]? eui = MacDecoder.DecodeEui64(ChipCatalogue.Esp32C6, [0x1122_3344, 0xFFFE_5566]);

        Assert.Equal(Hex.Bytes("556611 fffe 223344"), eui);
        Assert.Null(MacDecoder.DecodeEui64(ChipCatalogue.Esp32, [0, 0]));
    }

    [Fact]
    public void MacAddress_ParseAndFormat_RoundTrip()
    {
        var mac = MacAddress.Parse("24:0a:c4:12:34:56");
        Assert.Equal("24:0A:C4:12:34:56", mac.ToString());
        Assert.Equal("240AC4123456", mac.ToCompactString());
        Assert.False(MacAddress.TryParse("24:0a:c4", out _));
        Assert.Throws<FormatException>(() => MacAddress.Parse("zz:0a:c4:12:34:56"));
    }

    [Fact]
    public void FlashId_WinbondFourMegabytes()
    {
        var id = new FlashId(0x1640EF);

        Assert.Equal(0xEF, id.Manufacturer);
        Assert.Equal(0x4016, id.Device);
        Assert.Equal(4u * 1024 * 1024, id.SizeBytes);
        Assert.False(id.LooksDisconnected);
        Assert.True(new FlashId(0xFFFFFF).LooksDisconnected);
    }

    [Theory]
    [InlineData(256u * 1024)]
    [InlineData(4u * 1024 * 1024)]
    [InlineData(16u * 1024 * 1024)]
    [InlineData(64u * 1024 * 1024)]
    public void FlashId_ForSize_DecodesBackToTheSize(uint bytes)
    {
        Assert.Equal(bytes, FlashId.ForSize(bytes).SizeBytes);
    }
}
