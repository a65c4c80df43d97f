using Station.Protocol.Chips;

namespace Station.Protocol.Tests.Chips;

public class ChipCatalogueTests
{
    [Theory]
    [InlineData(0xFFF0C101u, "ESP8266")]
    [InlineData(0x00F01D83u, "ESP32")]
    [InlineData(0x000007C6u, "ESP32-S2")]
    [InlineData(0x00000009u, "ESP32-S3")]
    [InlineData(0x6921506Fu, "ESP32-C3")]
    [InlineData(0x1B31506Fu, "ESP32-C3")]
    [InlineData(0x4881606Fu, "ESP32-C3")]
    [InlineData(0x4361606Fu, "ESP32-C3")]
    [InlineData(0x6F51306Fu, "ESP32-C2")]
    [InlineData(0x7C41A06Fu, "ESP32-C2")]
    [InlineData(0x0C21E06Fu, "ESP32-C2")]
    [InlineData(0x2CE0806Fu, "ESP32-C6")]
    [InlineData(0xD7B73E80u, "ESP32-H2")]
    public void ByMagic_DocumentedValues_FindTheChip(uint magic, string name)
    {
        Assert.Equal(name, ChipCatalogue.ByMagic(magic)?.Name);
    }

    [Theory]
    [InlineData(9u, "ESP32-S3")]
    [InlineData(5u, "ESP32-C3")]
    [InlineData(12u, "ESP32-C2")]
    [InlineData(13u, "ESP32-C6")]
    [InlineData(16u, "ESP32-H2")]
    public void ByImageChipId_SecurityInfoIds_FindTheChip(uint id, string name)
    {
        Assert.Equal(name, ChipCatalogue.ByImageChipId(id)?.Name);
    }

    [Fact]
    public void ByImageChipId_Esp32S2_IsNotFoundBecauseItsSecurityInfoHasNoChipId()
    {
        Assert.Null(ChipCatalogue.ByImageChipId(2));
    }

    [Fact]
    public void MagicValues_AreUniqueAcrossChips()
    {
        var all = ChipCatalogue.All.SelectMany(c => c.MagicValues).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Theory]
    [InlineData("esp32s3", ChipKind.Esp32S3)]
    [InlineData("ESP32-S3", ChipKind.Esp32S3)]
    [InlineData("esp32-c3", ChipKind.Esp32C3)]
    [InlineData("ESP8266", ChipKind.Esp8266)]
    public void TryFind_AcceptsKeysAndDisplayNames(string name, ChipKind kind)
    {
        Assert.True(ChipCatalogue.TryFind(name, out var chip));
        Assert.Equal(kind, chip.Kind);
    }

    [Fact]
    public void StatusLength_IsTwoOnEsp8266AndFourElsewhere()
    {
        Assert.Equal(2, ChipCatalogue.Esp8266.StatusLength);
        Assert.All(ChipCatalogue.All.Where(c => c.Kind != ChipKind.Esp8266), c => Assert.Equal(4, c.StatusLength));
    }

    [Fact]
    public void SpiRegisters_MatchTheReferenceTable()
    {
        Assert.Equal(0x3FF4_2080u, ChipCatalogue.Esp32.Spi.W0);
        Assert.Equal(0x3FF4_202Cu, ChipCatalogue.Esp32.Spi.MisoDataLength);
        Assert.Equal(0x6000_2058u, ChipCatalogue.Esp32S3.Spi.W0);
        Assert.Equal(0x6000_2018u, ChipCatalogue.Esp32C3.Spi.Usr);
        Assert.Equal(0x6000_3000u, ChipCatalogue.Esp32C6.Spi.Cmd);
        Assert.Null(ChipCatalogue.Esp8266.Spi.MisoDataLength);
        Assert.Equal(0x6000_0240u, ChipCatalogue.Esp8266.Spi.W0);
    }

    [Fact]
    public void BootloaderOffset_Is0x1000OnEsp32AndS2_ZeroOnNewer()
    {
        Assert.Equal(0x1000u, ChipCatalogue.Esp32.BootloaderOffset);
        Assert.Equal(0x1000u, ChipCatalogue.Esp32S2.BootloaderOffset);
        Assert.Equal(0u, ChipCatalogue.Esp32S3.BootloaderOffset);
        Assert.Equal(0u, ChipCatalogue.Esp8266.BootloaderOffset);
    }
}
