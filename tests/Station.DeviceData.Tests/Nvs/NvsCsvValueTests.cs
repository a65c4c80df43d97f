using System.Security.Cryptography;
using System.Text;
using Station.DeviceData.Nvs;
using Station.DeviceData.Tests.Support;

namespace Station.DeviceData.Tests.Nvs;

/// <summary>How each encoding turns CSV text into a value, and the generator's message when it cannot.</summary>
public class NvsCsvValueTests
{
    [Theory]
    [InlineData("u8", "0", 0)]
    [InlineData("u8", " 42 ", 42)]
    [InlineData("u16", "+65535", 65535)]
    [InlineData("i16", "-32768", -32768)]
    [InlineData("u32", "4_294_967_295", 4294967295)]
    [InlineData("i32", "007", 7)]
    [InlineData("i64", "-9223372036854775808", long.MinValue)]
    [InlineData("U8", "5", 5)]
    [InlineData("u8", "\uFF11\uFF12", 12)]
    [InlineData("i16", "-\u0663", -3)]
    [InlineData("u8", "\u00A07\u3000", 7)]
    [InlineData("u8", "\v7\f", 7)]
    public void Integer_PythonIntSyntax_IsAccepted(string encoding, string text, long value)
    {
        var integer = Assert.IsType<NvsInteger>(Csv.Value(encoding, text));

        Assert.Equal(value, (long)integer.Value);
        Assert.Equal(encoding.ToLowerInvariant(), integer.TypeName);
    }

    [Fact]
    public void Integer_U64Max_IsAccepted()
    {
        Assert.Equal(NvsValue.U64(ulong.MaxValue), Csv.Value("u64", "18446744073709551615"));
    }

    [Theory]
    [InlineData("0x10", "ValueError: invalid literal for int() with base 10: '0x10'")]
    [InlineData("", "ValueError: invalid literal for int() with base 10: ''")]
    [InlineData("1__0", "ValueError: invalid literal for int() with base 10: '1__0'")]
    [InlineData("_1", "ValueError: invalid literal for int() with base 10: '_1'")]
    [InlineData("1.0", "ValueError: invalid literal for int() with base 10: '1.0'")]
    [InlineData("it's", "ValueError: invalid literal for int() with base 10: \"it's\"")]
    [InlineData("\u001C7", "ValueError: invalid literal for int() with base 10: '\\x1c7'")]
    [InlineData("7\u001F", "ValueError: invalid literal for int() with base 10: '7\\x1f'")]
    [InlineData("4\u00A02", "ValueError: invalid literal for int() with base 10: '4\\xa02'")]
    [InlineData("\u00BD", "ValueError: invalid literal for int() with base 10: '\u00BD'")]
    public void Integer_NotBase10_IsRefusedWithPythonsMessage(string text, string message)
    {
        var e = Csv.Errors($"ns,namespace,,\nk,data,u8,\"{text}\"\n");

        Assert.Equal(message, Assert.Single(e.Errors).Message);
    }

    [Theory]
    [InlineData("u8", "-1", "Packing error for 'u8' key 'k' = '-1': ubyte format requires 0 <= number <= 255")]
    [InlineData("i8", "128", "Packing error for 'i8' key 'k' = '128': byte format requires -128 <= number <= 127")]
    [InlineData("u16", "65536", "Packing error for 'u16' key 'k' = '65536': 'H' format requires 0 <= number <= 65535")]
    [InlineData("i16", "-32769", "Packing error for 'i16' key 'k' = '-32769': 'h' format requires -32768 <= number <= 32767")]
    [InlineData("u32", "4294967296", "Packing error for 'u32' key 'k' = '4294967296': 'I' format requires 0 <= number <= 4294967295")]
    [InlineData("i32", "2147483648", "Packing error for 'i32' key 'k' = '2147483648': 'i' format requires -2147483648 <= number <= 2147483647")]
    [InlineData("u64", "18446744073709551616", "Packing error for 'u64' key 'k' = '18446744073709551616': 'Q' format requires 0 <= number <= 18446744073709551615")]
    [InlineData("i64", " +9223372036854775808", "Packing error for 'i64' key 'k' = '9223372036854775808': 'q' format requires -9223372036854775808 <= number <= 9223372036854775807")]
    public void Integer_OutOfRange_IsRefusedWithThePackingError(string encoding, string text, string message)
    {
        var e = Csv.Errors($"ns,namespace,,\nk,data,{encoding},{text}\n");

        Assert.Equal(NvsErrorCodes.IntegerRange, e.Errors[0].Code);
        Assert.Equal(message, e.Errors[0].Message);
    }

    [Theory]
    [InlineData("0112ab", "0112AB")]
    [InlineData("  0a0B\t", "0A0B")]
    [InlineData("", "")]
    public void Hex2bin_StrippedDigitsInEitherCase_Decode(string text, string hex)
    {
        Assert.Equal(NvsValue.Blob(Convert.FromHexString(hex)), Csv.Value("hex2bin", text));
    }

    [Theory]
    [InlineData("abc", NvsErrorCodes.HexOddLength, "k: Invalid data length. Should be multiple of 2.")]
    [InlineData("zz", NvsErrorCodes.HexDigit, "binascii.Error: Non-hexadecimal digit found")]
    [InlineData("0a 0b", NvsErrorCodes.HexOddLength, "k: Invalid data length. Should be multiple of 2.")]
    [InlineData("éé", NvsErrorCodes.NotAscii, "ValueError: string argument should contain only ASCII characters")]
    public void Hex2bin_BadDigits_AreRefused(string text, string code, string message)
    {
        var error = Assert.Single(Csv.Errors($"ns,namespace,,\nk,data,hex2bin,{text}\n").Errors);

        Assert.Equal(code, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("AAEC/w==", "000102FF")]
    [InlineData("AA EC\t/w==", "000102FF")]
    [InlineData("YQ==garbage", "61")]
    [InlineData("Y*Q==", "61")]
    [InlineData("", "")]
    public void Base64_LenientLikeBinascii_Decodes(string text, string hex)
    {
        Assert.Equal(NvsValue.Blob(Convert.FromHexString(hex)), Csv.Value("base64", text));
    }

    [Theory]
    [InlineData("YQ", "binascii.Error: Incorrect padding")]
    [InlineData("YQ=", "binascii.Error: Incorrect padding")]
    [InlineData("YWJjZ", "binascii.Error: Invalid base64-encoded string: number of data characters (5) cannot be 1 more than a multiple of 4")]
    public void Base64_IncompleteQuantum_IsRefused(string text, string message)
    {
        Assert.Equal(message, Assert.Single(Csv.Errors($"ns,namespace,,\nk,data,base64,{text}\n").Errors).Message);
    }

    [Fact]
    public void String_KeepsSpacesAndAddsNothing()
    {
        Assert.Equal(NvsValue.String("  padded "), Csv.Value("string", "  padded "));
        Assert.Equal(NvsValue.String(""), Csv.Value("string", ""));
    }

    [Fact]
    public void String_3968Bytes_CrashesTheGeneratorSoIsRefused()
    {
        Assert.IsType<NvsString>(Csv.Value("string", new string('x', 3967)));

        var error = Assert.Single(Csv.Errors($"ns,namespace,,\ns,data,string,{new string('x', 3968)}\n").Errors);
        Assert.Equal(NvsErrorCodes.StringTooLongForPage, error.Code);
        Assert.StartsWith("PageFullError", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_InlineAscii_IsItsBytes()
    {
        Assert.Equal(NvsValue.Blob("abc"u8), Csv.Value("binary", "abc"));
        Assert.Equal(NvsValue.Blob("abc"u8), Csv.Value("BINARY", "abc"));
        Assert.Equal(NvsErrorCodes.NotAscii, Csv.Errors("ns,namespace,,\nk,data,binary,é\n").Errors[0].Code);
    }

    [Theory]
    [InlineData("HEX2BIN")]
    [InlineData("Base64")]
    [InlineData("STRING")]
    public void VarLengthEncoding_NotLowerCase_IsRefused(string encoding)
    {
        Assert.Equal(NvsErrorCodes.EncodingCase, Csv.Errors($"ns,namespace,,\nk,data,{encoding},00\n").Errors[0].Code);
    }

    [Theory]
    [InlineData("U128", "u128: Unsupported encoding")]
    [InlineData("", ": Unsupported encoding")]
    [InlineData("float", "float: Unsupported encoding")]
    public void UnknownEncoding_IsRefusedLowerCased(string encoding, string message)
    {
        Assert.Equal(message, Csv.Errors($"ns,namespace,,\nk,data,{encoding},1\n").Errors[0].Message);
    }

    [Theory]
    [InlineData("blob_fill(8;0xff)", "ab", "6162FFFFFFFFFFFF")]
    [InlineData("blob_fill(3;0x00)", "", "000000")]
    [InlineData("blob_sz_fill(4;0x00)", "ab", "0200000061620000")]
    [InlineData("blob_sz_fill(2;0xAA)", "", "00000000AAAA")]
    [InlineData("blob_fill(2;0x01)trailing", "é", "C3A9")]
    public void FillEncodings_PadTheValue(string encoding, string value, string hex)
    {
        // h12_fill_enc.
        Assert.Equal(NvsValue.Blob(Convert.FromHexString(hex)), Csv.Value($"\"{encoding}\"", value));
    }

    [Theory]
    [InlineData("blob_fill(8)", "x", "blob_fill(8): Invalid encoding format.")]
    [InlineData("blob_fill(2;0x00)", "abc", "k: Value length exceeds specified length.")]
    public void FillEncodings_Malformed_AreRefused(string encoding, string value, string message)
    {
        Assert.Equal(message, Csv.Errors($"ns,namespace,,\nk,data,\"{encoding}\",{value}\n").Errors[0].Message);
    }

    [Fact]
    public void WifiStationKey_IsFollowedOnceByTheGeneratorsThreeBlobs()
    {
        // h14_wifi_magic_keys.
        var items = Csv.Items("ns,namespace,,\nsta.ssid,data,string,home\nsta.pswd,data,string,secret\n");

        Assert.Equal(
            [
                new NvsNamespace("ns"),
                new NvsEntry("ns", "sta.ssid", NvsValue.String("home")),
                new NvsEntry("ns", "sta.apinfo", NvsValue.Blob(Enumerable.Repeat((byte)0xFF, 140).ToArray())),
                new NvsEntry("ns", "sta.pmk", NvsValue.Blob(new byte[32])),
                new NvsEntry("ns", "sta.apsw", NvsValue.Blob(new byte[2])),
                new NvsEntry("ns", "sta.pswd", NvsValue.String("secret")),
            ],
            items);
    }

    [Fact]
    public void WifiAccessPointKeys_GetThePmkInfoBeforeTheRowThatCompletesThemAndEveryLaterOne()
    {
        var items = Csv.Items("ns,namespace,,\nap.ssid,data,string,IEEE\nap.authmode,data,u8,3\nap.passwd,data,string,password\nap.authmode,data,u8,0\n");

        // IEEE 802.11i test vector: PSK for passphrase "password" and SSID "IEEE".
        var pmk = Convert.FromHexString("f42c6fc52df0ebef9ebb4b90b38a5f902e83fe1b135a70e23aed762e9710a12e");
        var info = NvsValue.Blob([.. new byte[100], .. pmk]);
        Assert.Equal(["ap.ssid", "ap.authmode", "ap.pmk_info", "ap.passwd", "ap.pmk_info", "ap.authmode"], items.OfType<NvsEntry>().Select(e => e.Key));
        Assert.All(items.OfType<NvsEntry>().Where(e => e.Key == "ap.pmk_info"), e => Assert.Equal(info, e.Value));
        Assert.Equal(pmk, Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes("password"), Encoding.UTF8.GetBytes("IEEE"), 4096, HashAlgorithmName.SHA1, 32));
    }

    [Fact]
    public void WifiKey_AsAFileRow_IsRefused()
    {
        Assert.Equal(NvsErrorCodes.WifiKeyShape, Csv.Errors("ns,namespace,,\nsta.ssid,file,string,ssid.txt\n").Errors[0].Code);
    }
}
