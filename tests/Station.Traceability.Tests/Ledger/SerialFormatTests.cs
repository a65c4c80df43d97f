using Station.Traceability.Ledger;

namespace Station.Traceability.Tests.Ledger;

public class SerialFormatTests
{
    private static readonly DateTimeOffset March4 = new(2025, 3, 4, 23, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("SN-{yyyy}{seq:000000}", 42, "SN-2025000042")]
    [InlineData("SN-{seq}", 42, "SN-42")]
    [InlineData("{product}/{yy}{MM}{dd}-{seq:0000}", 7, "WIDGET/250304-0007")]
    [InlineData("{seq:00}", 1234, "1234")]
    [InlineData("{{{seq}}}", 5, "{5}")]
    public void Render_Placeholders_FillSeqProductAndDate(string format, long seq, string expected)
    {
        Assert.Equal(expected, SerialFormat.Parse(format).Render(seq, "WIDGET", March4));
    }

    [Fact]
    public void Render_DateInTheOffsetTheCallerGave()
    {
        var format = SerialFormat.Parse("{yyyy}{MM}{dd}-{seq}");

        Assert.Equal("20250305-1", format.Render(1, "P", March4.ToOffset(TimeSpan.FromHours(8))));
    }

    [Theory]
    [InlineData("SN-{foo}{seq}", "unknown placeholder {foo} at position 4")]
    [InlineData("SN-{yyyy}", "has no {seq}")]
    [InlineData("SN-{seq:00x}", "{seq:00x}, whose width is not 1 to 18 zeros")]
    [InlineData("SN-{seq", "never closed")]
    [InlineData("SN-}{seq}", "closes nothing")]
    [InlineData("{mm}{seq}", "months are {MM}")]
    [InlineData("{YYYY}{seq}", "case-sensitive: {yyyy}")]
    [InlineData("", "is empty")]
    [InlineData("SN\t{seq}", "control character at position 3")]
    public void TryParse_BadFormat_SaysWhatAndWhere(string format, string expected)
    {
        Assert.False(SerialFormat.TryParse(format, out _, out string? error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains(expected, Assert.Throws<FormatException>(() => SerialFormat.Parse(format)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SeqBelowOne_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SerialFormat.Parse("{seq}").Render(0, "P", March4));
    }
}
