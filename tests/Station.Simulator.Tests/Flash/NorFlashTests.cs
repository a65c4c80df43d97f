using Station.Simulator.Flash;

namespace Station.Simulator.Tests.Flash;

public sealed class NorFlashTests
{
    [Fact]
    public void Program_OverProgrammedCells_OnlyClearsBits()
    {
        var flash = new NorFlash(0x10000);

        Assert.True(flash.Program(0x100, [0xF0, 0xFF]));
        Assert.False(flash.Program(0x100, [0x0F, 0x3C]));

        Assert.Equal(new byte[] { 0x00, 0x3C }, flash.Read(0x100, 2));
    }

    [Fact]
    public void Erase_Sector_ReadsFfAndFreesStorage()
    {
        var flash = new NorFlash(16 * 1024 * 1024);
        flash.Program(0x5000, [1, 2, 3]);
        Assert.Equal(1, flash.AllocatedSectors);

        flash.Erase(0x5000, 0x1000);

        Assert.Equal(0, flash.AllocatedSectors);
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF }, flash.Read(0x5000, 3));
    }

    [Fact]
    public void FlashTiming_Datasheet_ScalesWithBytes()
    {
        var timing = FlashTiming.Datasheet;

        Assert.Equal(TimeSpan.FromMilliseconds(0.4 * 64), timing.Program(16 * 1024));
        Assert.Equal(TimeSpan.FromSeconds(10), timing.ChipErase(4 * 1024 * 1024));
        Assert.True(timing.Md5(1_000_000) > timing.Read(1_000_000));
    }
}
