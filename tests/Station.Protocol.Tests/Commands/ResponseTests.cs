using Station.Protocol.Chips;
using Station.Protocol.Commands;

namespace Station.Protocol.Tests.Commands;

public class ResponseTests
{
    [Fact]
    public void TryParse_Esp32MagicReadTrace_GivesValueAndStatus()
    {
        // RX c0 01 0a 0400 831df000 00000000 c0.
        Assert.True(Response.TryParse(Hex.Bytes("01 0a 0400 831df000 00000000"), out var response));

        Assert.Equal(Opcode.ReadReg, response.Opcode);
        Assert.Equal(0x00F0_1D83u, response.Value);
        Assert.Equal(ChipCatalogue.Esp32, ChipCatalogue.ByMagic(response.Value));
        Assert.Equal(Hex.Bytes("00000000"), response.Data.ToArray());
    }

    [Fact]
    public void TryParse_SizeFieldIsIgnored_DataIsTheFrameRest()
    {
        Assert.True(Response.TryParse(Hex.Bytes("01 13 0200 00000000 aabbccdd 0000"), out var response));
        Assert.Equal(6, response.Data.Length);
    }

    [Theory]
    [InlineData("00 08 0400 00000000 00000000")]
    [InlineData("01 08 04")]
    [InlineData("")]
    public void TryParse_NotAResponse_ReturnsFalse(string hex)
    {
        Assert.False(Response.TryParse(Hex.Bytes(hex), out _));
    }

    [Fact]
    public void Build_ThenParse_RoundTrips()
    {
        byte[] packet = Response.Build(Opcode.SpiFlashMd5, 0, Hex.Bytes("0102 0000"));
        Assert.Equal(Hex.Bytes("01 13 0400 00000000 0102 0000"), packet);
    }
}
