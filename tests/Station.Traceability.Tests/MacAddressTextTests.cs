namespace Station.Traceability.Tests;

public class MacAddressTextTests
{
    [Theory]
    [InlineData("24:0A:C4:12:34:56", "24:0A:C4:12:34:56")]
    [InlineData("24:0a:c4:12:34:56", "24:0A:C4:12:34:56")]
    [InlineData("24-0A-C4-12-34-56", "24:0A:C4:12:34:56")]
    [InlineData("240ac4123456", "24:0A:C4:12:34:56")]
    [InlineData(" 24:0A:C4:12:34:56 ", "24:0A:C4:12:34:56")]
    [InlineData("24:0A:C4:FF:FE:12:34:56", "24:0A:C4:FF:FE:12:34:56")]
    public void TryNormalize_CommonSpellings_GiveUpperCaseColons(string text, string expected)
    {
        Assert.True(MacAddressText.TryNormalize(text, out string mac));
        Assert.Equal(expected, mac);
    }

    [Theory]
    [InlineData("")]
    [InlineData("24:0A:C4:12:34")]
    [InlineData("24:0A-C4:12:34:56")]
    [InlineData("240:AC4:12:34:56:")]
    [InlineData("../../etc/passwd")]
    [InlineData("24:0A:C4:12:34:5G")]
    public void TryNormalize_NotAMac_IsRefused(string text)
    {
        Assert.False(MacAddressText.TryNormalize(text, out _));
    }

    [Fact]
    public void FileStem_Mac_UsesDashes()
    {
        Assert.Equal("24-0A-C4-12-34-56", MacAddressText.FileStem("24:0a:c4:12:34:56"));
    }
}
