using Station.Cli.Options;
using Station.Flashing.Errors;

namespace Station.Cli.Tests.Options;

public class ExitCodesTests
{
    [Fact]
    public void EveryErrorCode_HasItsOwnExitCode()
    {
        Assert.All(ErrorCodes.All, code => Assert.True(ExitCodes.ByErrorCode.ContainsKey(code), $"{code} has no exit code"));
        Assert.Equal(ExitCodes.ByErrorCode.Count, ExitCodes.ByErrorCode.Values.Distinct().Count());
        Assert.DoesNotContain(ExitCodes.ByErrorCode.Values, v => v is ExitCodes.Success or ExitCodes.Unexpected or ExitCodes.Usage or ExitCodes.NotVerified);
    }

    [Theory]
    [InlineData("0x10000", 0x10000u)]
    [InlineData("65536", 65536u)]
    [InlineData("0X1_000", 0x1000u)]
    public void Numbers_Addresses(string text, uint expected)
    {
        Assert.True(Numbers.TryParseAddress(text, out uint value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("4MB", 4u * 1024 * 1024)]
    [InlineData("64K", 64u * 1024)]
    [InlineData("0x1000", 0x1000u)]
    [InlineData("300000", 300000u)]
    public void Numbers_Sizes(string text, uint expected)
    {
        Assert.True(Numbers.TryParseSize(text, out uint value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("ten")]
    [InlineData("5000MB")]
    public void Numbers_Rejects(string text)
    {
        Assert.False(Numbers.TryParseSize(text, out _));
    }
}
