using Station.Transport.Discovery;
using Station.Transport.Reset;

namespace Station.Transport.Tests.Discovery;

public sealed class AdapterCatalogueTests
{
    private static readonly int[] Ladder = [2000000, 921600, 460800, 115200];

    [Fact]
    public void SeedLadder_Ch340_DropsTheRungsAboveItsReliableBaud()
    {
        var ch340 = AdapterCatalogue.Default.Find(new UsbId(0x1a86, 0x7523))!;

        Assert.Equal([460800, 115200], ch340.SeedLadder(Ladder));
    }

    [Fact]
    public void SeedLadder_EveryRungTooFast_KeepsTheSlowest()
    {
        var slow = new AdapterSpec(new UsbId(1, 2), "slow") { MaxReliableBaud = 57600 };

        Assert.Equal([115200], slow.SeedLadder(Ladder));
    }

    [Fact]
    public void SeedLadder_UsbSerialJtag_KeepsTheWholeLadder()
    {
        var jtag = AdapterCatalogue.Default.Find(new UsbId(0x303a, 0x1001))!;

        Assert.Equal(Ladder, jtag.SeedLadder(Ladder));
    }

    [Fact]
    public void SeedResets_AdapterOrderFirstThenTheProfilesWithoutRepeats()
    {
        var ch340 = AdapterCatalogue.Default.Find(new UsbId(0x1a86, 0x7523))!;

        Assert.Equal(["unix-tight", "unix-tight-slow", "classic"], ch340.SeedResets(["classic", "Unix-Tight"]));
    }

    [Fact]
    public void Default_EveryResetNameParsesAndEveryBaudIsPositive()
    {
        Assert.All(AdapterCatalogue.Default.All, spec =>
        {
            Assert.All(spec.ResetOrder, name => ResetStrategies.Parse(name));
            Assert.True(spec.MaxReliableBaud is null or > 0);
        });
    }

    [Fact]
    public void With_AnOverride_ReplacesTheBuiltInEntry()
    {
        var id = new UsbId(0x10c4, 0xea60);
        var catalogue = AdapterCatalogue.Default.With([new AdapterSpec(id, "CP2102N") { MaxReliableBaud = 2000000 }]);

        Assert.Equal(2000000, catalogue.Find(id)!.MaxReliableBaud);
        Assert.Equal(921600, AdapterCatalogue.Default.Find(id)!.MaxReliableBaud);
    }

    [Theory]
    [InlineData("10c4:ea60", true)]
    [InlineData("10C4:EA60", true)]
    [InlineData("10c4-ea60", false)]
    [InlineData("10c4:", false)]
    [InlineData("10c45:ea60", false)]
    public void UsbId_TryParse_AcceptsOnlyVidColonPid(string text, bool valid)
    {
        Assert.Equal(valid, UsbId.TryParse(text, out var id));
        if (valid)
        {
            Assert.Equal("10c4:ea60", id.ToString());
        }
    }
}
