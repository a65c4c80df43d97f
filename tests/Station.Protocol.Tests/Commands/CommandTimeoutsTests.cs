using Station.Protocol.Commands;

namespace Station.Protocol.Tests.Commands;

public class CommandTimeoutsTests
{
    [Theory]
    [InlineData(102416, 3.072)]   // ROM FLASH_BEGIN, 30 s/MB [verified]
    [InlineData(200704, 6.021)]   // ROM FLASH_DEFL_BEGIN [verified]
    [InlineData(1000, 3.0)]       // never below the 3 s default
    public void EraseRegion_ScalesAt30SecondsPerMegabyte(long bytes, double seconds)
    {
        Assert.Equal(seconds, CommandTimeouts.EraseRegion(bytes).TotalSeconds, 3);
    }

    [Fact]
    public void WriteBlock_ScalesByUncompressedBytes()
    {
        Assert.Equal(8.0, CommandTimeouts.WriteBlock(200_000).TotalSeconds, 3);
    }

    [Fact]
    public void PerMegabyte_IsCappedAtMax()
    {
        Assert.Equal(CommandTimeouts.Max, CommandTimeouts.Md5(1L << 40));
    }

    [Theory]
    [InlineData(0x0u, 2080u, 4096u)]          // [verified]
    [InlineData(0x3000u, 102416u, 53248u)]    // [verified]
    public void Esp8266EraseSize_MatchesEsptoolVerifiedCases(uint offset, uint size, uint expected)
    {
        Assert.Equal(expected, Esp8266RomQuirks.EraseSizeToSend(offset, size));
    }

    [Fact]
    public void Md5Reply_RomHexAndStubRaw_GiveSameDigest()
    {
        byte[] raw = Hex.Bytes("0123456789abcdef0123456789abcdef");
        byte[] hex = System.Text.Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef");

        Assert.Equal("0123456789abcdef0123456789abcdef", Md5Reply.ToHex(raw, fromStub: true));
        Assert.Equal("0123456789abcdef0123456789abcdef", Md5Reply.ToHex(hex, fromStub: false));
        Assert.Throws<ProtocolException>(() => Md5Reply.ToHex(raw, fromStub: false));
    }
}
