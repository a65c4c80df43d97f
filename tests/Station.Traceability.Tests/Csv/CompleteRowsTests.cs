using System.Text;
using Station.Traceability.Csv;

namespace Station.Traceability.Tests.Csv;

public class CompleteRowsTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("h\n", 2)]
    [InlineData("h\nrow1\n", 7)]
    [InlineData("h\nrow1\nro", 7)]
    [InlineData("h\nrow1\nrow2", 7)]
    [InlineData("h\nrow1\nro\0\0\n", 7)]
    [InlineData("hea", 0)]
    public void Length_WholeFile_EndsAfterTheLastCompleteLine(string content, long expected)
    {
        Assert.Equal(expected, CompleteRows.Length(Encoding.UTF8.GetBytes(content), 0));
    }

    [Fact]
    public void Length_TailWithoutTwoNewlines_AsksForMore()
    {
        Assert.Null(CompleteRows.Length("w1\n"u8, 100));
        Assert.Null(CompleteRows.Length("row"u8, 100));
        Assert.Equal(104, CompleteRows.Length("1\nrow2\nx"u8, 97));
    }

    [Fact]
    public async Task LengthAsync_LastRowLongerThanTheFirstWindow_ReadsFurtherBack()
    {
        byte[] content = [.. "h\n"u8, .. Enumerable.Repeat((byte)'x', 200_000), (byte)'\n', .. "torn"u8];
        using var stream = new MemoryStream(content);

        Assert.Equal(content.Length - 4, await CompleteRows.LengthAsync(stream, CancellationToken.None));
    }
}
