using Station.Protocol.Stubs;

namespace Station.Protocol.Tests.Stubs;

public class StubImageTests
{
    [Fact]
    public void Parse_EsptoolFormat_ReadsAllFieldsAndIgnoresUnknownOnes()
    {
        string json = """
            {"entry": 1074521580, "text": "AQIDBA==", "text_start": 1074520064,
             "data": "BQY=", "data_start": 1073605544, "bss_start": 1073528832, "plugins": {}}
            """;

        var stub = StubImage.Parse(json, "esp32.json");

        Assert.Equal(0x400B_E5ECu, stub.Entry);
        Assert.Equal(0x400B_E000u, stub.TextStart);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, stub.Text);
        Assert.Equal(new byte[] { 5, 6 }, stub.Data);
        Assert.Equal(2, stub.Segments().Count());
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[]", "top level must be an object")]
    [InlineData("""{"text": "AQ==", "text_start": 1}""", "field 'entry' is missing")]
    [InlineData("""{"entry": -1, "text": "AQ==", "text_start": 1}""", "field 'entry' must be an unsigned 32-bit number")]
    [InlineData("""{"entry": 1, "text": "@@", "text_start": 1}""", "field 'text' is not valid base64")]
    [InlineData("""{"entry": 1, "text": "", "text_start": 1}""", "'text' is empty")]
    [InlineData("""{"entry": 1, "text": "AQ==", "text_start": 1, "data": "AQ=="}""", "'data_start' is missing")]
    public void Parse_MalformedFile_SaysWhatIsWrongAndWhere(string json, string expected)
    {
        var e = Assert.Throws<ProtocolException>(() => StubImage.Parse(json, "stubs/esp32.json"));

        Assert.Equal(ProtocolFault.MalformedStubFile, e.Fault);
        Assert.Contains("stubs/esp32.json", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
