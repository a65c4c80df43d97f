using System.Text;
using Station.DeviceData.Nvs;

namespace Station.DeviceData.Tests.Nvs;

public class NvsCrc32Tests
{
    [Fact]
    public void Compute_CheckString_GivesTheNvsVariantNotStandardCrc32()
    {
        Assert.Equal(0xD202D277u, NvsCrc32.Compute("123456789"u8));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(28)]
    public void Compute_EmptyOrZeros_IsAllOnes(int zeros)
    {
        Assert.Equal(0xFFFFFFFFu, NvsCrc32.Compute(new byte[zeros]));
    }

    [Fact]
    public void Compute_TwoSpans_EqualsOneSpanOfBoth()
    {
        byte[] all = Encoding.ASCII.GetBytes("header-and-the-rest");

        Assert.Equal(NvsCrc32.Compute(all), NvsCrc32.Compute(all.AsSpan(0, 4), all.AsSpan(4)));
    }
}
