using System.Text;
using Station.DeviceData.Nvs;
using Station.DeviceData.Nvs.Csv;
using Station.DeviceData.Tests.Support;

namespace Station.DeviceData.Tests.Nvs;

/// <summary>The generator CSV as ESP-IDF's tool reads it (nvs-format.md §10): Python's csv module and DictReader.</summary>
public class NvsCsvReaderTests
{
    [Fact]
    public void Read_CommentsBlankLinesAndCrLf_AreSkippedAndNormalised()
    {
        var items = NvsCsvReader.Read("# made by hand\r\nkey,type,encoding,value\r\n# a comment\r\n\r\nns,namespace,,\r\na,data,u8,1\r\n", new NvsCsvOptions()).Items;

        Assert.Equal([new NvsNamespace("ns"), new NvsEntry("ns", "a", NvsValue.U8(1))], items);
    }

    [Fact]
    public void Read_QuotedFields_KeepCommasQuotesAndNewlines()
    {
        var items = Csv.Items("ns,namespace,,\ns,data,string,\"a, \"\"b\"\"\nc\"\n");

        Assert.Equal(new NvsString("a, \"b\"\nc"), Assert.IsType<NvsEntry>(items[1]).Value);
    }

    [Fact]
    public void Read_TextAfterAClosingQuote_JoinsTheField()
    {
        // Python's csv in non-strict mode: "ab"cd reads as abcd.
        Assert.Equal(new NvsString("abcd"), Csv.Value("string", "\"ab\"cd"));
    }

    [Fact]
    public void Read_UnterminatedQuote_RunsToTheEndOfTheText()
    {
        // Python's csv (non-strict) keeps the newline inside the open quote and saves the field at the end.
        Assert.Equal(new NvsString("abc\n"), Csv.Value("string", "\"abc"));
    }

    [Fact]
    public void Read_ExtraFields_AreIgnoredLikeDictReader()
    {
        Assert.Equal(NvsValue.U8(1), Csv.Value("u8", "1,extra,fields"));
    }

    [Fact]
    public void Read_ColumnsInAnotherOrder_AreFoundByName()
    {
        var items = NvsCsvReader.Read("value,encoding,type,key\n,,namespace,ns\n7,u8,data,a\n", new NvsCsvOptions()).Items;

        Assert.Equal(new NvsEntry("ns", "a", NvsValue.U8(7)), items[1]);
    }

    [Fact]
    public void Read_LineNumbers_CountCommentAndBlankLines()
    {
        // Line 1 is the header; the multi-line key starts on line 5.
        var e = Csv.Errors("# comment\n\nns,namespace,,\n\"multi\nline\",data,u8,300\nx,data,u8,300\n");

        Assert.Equal([5, 7], e.Errors.Select(r => r.Line));
    }

    [Fact]
    public void Read_ByteOrderMark_IsRefusedWithTheReason()
    {
        var e = Assert.Throws<NvsException>(() => NvsCsvReader.Read("\uFEFF" + Csv.Header + "ns,namespace,,\n", new NvsCsvOptions()));

        Assert.Equal(NvsErrorCodes.CsvByteOrderMark, e.Errors[0].Code);
        Assert.Contains("KeyError: 'key'", e.Errors[0].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\uFEFFkey,type,encoding,value\n\n")]
    [InlineData("a,b\n# only a comment\n")]
    [InlineData("\n")]
    public void Read_BadHeaderWithoutRows_GivesNoItems(string csv)
    {
        // The reference's DictReader skips blank rows and looks up row['key'] only for a row it returns, so a
        // broken header with no rows under it still makes an (empty) image instead of a KeyError.
        Assert.Empty(NvsCsvReader.Read(csv, new NvsCsvOptions()).Items);
    }

    [Fact]
    public void Read_HeaderWithAByteOrderMarkOnALaterColumn_StillFindsKey()
    {
        // The BOM only hurts when it glues onto 'key'; the reference finds every column here.
        var items = NvsCsvReader.Read("\uFEFFx,key,type,encoding,value\n,ns,namespace,,\n,a,data,u8,1\n", new NvsCsvOptions()).Items;

        Assert.Equal(new NvsEntry("ns", "a", NvsValue.U8(1)), items[1]);
    }

    [Fact]
    public void Read_HeaderWithoutValueColumn_IsRefused()
    {
        var e = Assert.Throws<NvsException>(() => NvsCsvReader.Read("key,type,encoding\nns,namespace,\n", new NvsCsvOptions()));

        Assert.Equal(NvsErrorCodes.CsvHeader, e.Errors[0].Code);
        Assert.Contains("value", e.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_InvalidUtf8_IsRefusedWithItsLine()
    {
        byte[] csv = [.. Encoding.ASCII.GetBytes(Csv.Header + "ns,namespace,,\ns,data,string,"), 0xC3, 0x28, (byte)'\n'];

        var e = Assert.Throws<NvsException>(() => NvsCsvReader.Read(csv, new NvsCsvOptions()));

        Assert.Equal(NvsErrorCodes.CsvNotUtf8, e.Errors[0].Code);
        Assert.Equal(3, e.Errors[0].Line);
    }

    [Fact]
    public void Read_FieldOverPythonsLimit_IsRefused()
    {
        var e = Csv.Errors($"ns,namespace,,\nb,data,hex2bin,{new string('0', 131074)}\n");

        Assert.Equal("field larger than field limit (131072)", e.Errors[0].Message);
    }

    [Fact]
    public void Read_EveryBadRow_IsReportedWithItsLine()
    {
        var e = Csv.Errors("ns,namespace,,\na,data,u8,256\nb,data,hex2bin,abc\nc,data,u128,1\nok,data,u8,1\n");

        Assert.Equal([3, 4, 5], e.Errors.Select(r => r.Line!.Value));
        Assert.Equal([NvsErrorCodes.IntegerRange, NvsErrorCodes.HexOddLength, NvsErrorCodes.UnsupportedEncoding], e.Errors.Select(r => r.Code));
    }

    [Fact]
    public void Read_RowBeforeAnyNamespace_IsRefused()
    {
        var e = Csv.Errors("a,data,u8,1\n");

        Assert.Equal(NvsErrorCodes.NamespaceMissing, Assert.Single(e.Errors).Code);
    }

    [Fact]
    public void Read_RepeatedNamespace_IsRefused()
    {
        // d_two_ns: the generator would write the rows after the second "alpha" into beta.
        var e = Csv.Errors("alpha,namespace,,\na1,data,u8,1\nbeta,namespace,,\nb1,data,u8,2\nalpha,namespace,,\na3,data,u8,3\n");

        var error = Assert.Single(e.Errors);
        Assert.Equal(NvsErrorCodes.NamespaceRepeated, error.Code);
        Assert.Equal(6, error.Line);
    }

    [Fact]
    public void Read_DuplicateKey_IsWrittenTwiceLikeTheGenerator()
    {
        // h11_dup_key.
        Assert.Equal(3, Csv.Items("ns,namespace,,\na,data,u8,1\na,data,u8,2\n").Count);
    }

    [Theory]
    [InlineData("ns,Namespace,,", NvsErrorCodes.UnknownType)]
    [InlineData("f,FILE,binary,x.bin", NvsErrorCodes.UnknownType)]
    [InlineData("f,file ,binary,x.bin", NvsErrorCodes.UnknownType)]
    [InlineData("ns", NvsErrorCodes.CsvMissingColumn)]
    [InlineData("k,data", NvsErrorCodes.CsvMissingColumn)]
    [InlineData("k,data,u8", NvsErrorCodes.CsvMissingColumn)]
    [InlineData("ключ,data,u8,1", NvsErrorCodes.KeyNotAscii)]
    [InlineData("ключ_ключ_ключ_k,data,u8,1", NvsErrorCodes.KeyTooLong)]
    [InlineData(",data,u8,1", NvsErrorCodes.KeyEmpty)]
    [InlineData("a_namespace_name,namespace,,", NvsErrorCodes.KeyTooLong)]
    public void Read_MalformedRow_IsRefused(string row, string code)
    {
        var e = Csv.Errors($"ns0,namespace,,\n{row}\n");

        Assert.Equal(code, Assert.Single(e.Errors).Code);
    }

    [Theory]
    [InlineData("DATA")]
    [InlineData("Data")]
    [InlineData("data ")]
    [InlineData("value")]
    [InlineData("")]
    public void Read_TypeOtherThanNamespaceOrFile_IsData(string type)
    {
        // The reference tests the type only for == 'file' and == 'namespace'; every other row is written as data.
        var items = Csv.Items($"ns,namespace,,\nk,{type},u8,5\n");

        Assert.Equal(new NvsEntry("ns", "k", NvsValue.U8(5)), items[1]);
    }

    [Fact]
    public void Read_FileRows_ReadTheNamedFileThroughTheCallersReader()
    {
        var files = new Dictionary<string, byte[]>
        {
            ["cert.pem"] = Encoding.UTF8.GetBytes("line1\r\nline2\n"),
            ["raw.bin"] = [0, 1, 2, 0xFF],
            ["hex.txt"] = Encoding.ASCII.GetBytes("  0a0B\n"),
            ["b64.txt"] = Encoding.ASCII.GetBytes("AAEC\n/w==\n"),
            ["num.txt"] = Encoding.ASCII.GetBytes(" 42\n"),
        };

        var items = Csv.Items("ns,namespace,,\ns,file,string,cert.pem\nb,file,binary,raw.bin\nh,file,hex2bin,hex.txt\nb6,file,base64,b64.txt\nn,file,u8,num.txt\n", files: files);

        Assert.Equal(
            [
                new NvsNamespace("ns"),
                new NvsEntry("ns", "s", NvsValue.String("line1\r\nline2\n")),
                new NvsEntry("ns", "b", NvsValue.Blob([0, 1, 2, 0xFF])),
                new NvsEntry("ns", "h", NvsValue.Blob([0x0A, 0x0B])),
                new NvsEntry("ns", "b6", NvsValue.Blob([0, 1, 2, 0xFF])),
                new NvsEntry("ns", "n", NvsValue.U8(42)),
            ],
            items);
    }

    [Fact]
    public void Read_MissingFile_IsReportedLikePython()
    {
        var e = Csv.Errors("ns,namespace,,\nc,file,binary,nowhere.bin\n");

        Assert.Equal(NvsErrorCodes.FileUnreadable, e.Errors[0].Code);
        Assert.StartsWith("FileNotFoundError: [Errno 2] No such file or directory: 'nowhere.bin'", e.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FileStringThatIsNotUtf8_IsRefused()
    {
        var e = Csv.Errors("ns,namespace,,\ns,file,string,bad.txt\n", files: new Dictionary<string, byte[]> { ["bad.txt"] = [0x61, 0xFF] });

        Assert.Equal(NvsErrorCodes.NotUtf8, e.Errors[0].Code);
    }

    [Fact]
    public void Read_Version1Limits_Apply()
    {
        Assert.Single(Csv.Items($"ns,namespace,,\ns,data,string,{new string('x', 1983)}\n", NvsFormatVersion.Version1).OfType<NvsEntry>());

        var e = Csv.Errors($"ns,namespace,,\ns,data,string,{new string('x', 1984)}\nb,data,hex2bin,{new string('a', 4000)}\n", NvsFormatVersion.Version1);

        Assert.Equal(
            ["Input File: Size (1985) exceeds max allowed length `1984` bytes for key `s`.", "Input File: Size (2000) exceeds max allowed length `1984` bytes for key `b`."],
            e.Errors.Select(r => r.Message));
    }

    [Fact]
    public void Read_Version2Blob_HasNoSizeLimit()
    {
        var blob = Assert.IsType<NvsBlob>(Csv.Value("hex2bin", new string('a', 20000)));

        Assert.Equal(10000, blob.Length);
    }
}
