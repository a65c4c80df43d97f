using Station.DeviceData.Nvs;
using Station.DeviceData.Tests.Support;

namespace Station.DeviceData.Tests.Nvs;

/// <summary>Every error vector gives the cause the reference generator printed (its .log), with the CSV line.</summary>
public class ReferenceErrorTests
{
    public static TheoryData<string, string, int, string, string, int?> ErrorVectors() => new()
    {
        // log, csv, size, text the log and our message share, code, line
        { "err_bad_encoding.log", "err_bad_encoding.csv", 0x3000, "u128: Unsupported encoding", NvsErrorCodes.UnsupportedEncoding, 3 },
        { "err_hex_odd.log", "err_hex_odd.csv", 0x3000, "x: Invalid data length. Should be multiple of 2.", NvsErrorCodes.HexOddLength, 3 },
        { "err_int_hex.log", "err_int_hex.csv", 0x3000, "ValueError: invalid literal for int() with base 10: '0x10'", NvsErrorCodes.IntegerSyntax, 3 },
        { "err_key_too_long.log", "err_key_too_long.csv", 0x3000, "Length of key `this_key_is_16ch` should be <= 15 characters.", NvsErrorCodes.KeyTooLong, 3 },
        { "err_string_3968.log", "err_string_3968.csv", 0x3000, "PageFullError", NvsErrorCodes.StringTooLongForPage, 3 },
        { "err_string_4001.log", "err_string_4001.csv", 0x3000, "Input File: Size (4001) exceeds max allowed length `4000` bytes for key `s`.", NvsErrorCodes.ValueTooLong, 3 },
        { "err_too_small.log", "err_too_small.csv", 0x3000, "Size parameter is less than the size of data in csv. Please increase the size.", NvsErrorCodes.PartitionTooSmall, 5 },
        { "err_u8_range.log", "err_u8_range.csv", 0x3000, "Packing error for 'u8' key 'x' = '256': ubyte format requires 0 <= number <= 255", NvsErrorCodes.IntegerRange, 3 },
        { "err_size_0x0.log", "a_primitives.csv", 0x0, "Minimum partition size for read/write NVS is 0x3000 bytes and for read-only NVS is 0x1000 bytes.", NvsErrorCodes.SizeTooSmall, null },
        { "err_size_0x800.log", "a_primitives.csv", 0x800, "Size of partition must be multiple of 4096", NvsErrorCodes.SizeNotPageMultiple, null },
        { "err_size_0x1800.log", "a_primitives.csv", 0x1800, "Size of partition must be multiple of 4096", NvsErrorCodes.SizeNotPageMultiple, null },
    };

    [Theory]
    [MemberData(nameof(ErrorVectors))]
    public void Generate_ErrorVector_GivesTheReferenceCauseAndLine(string log, string csv, int size, string cause, string code, int? line)
    {
        Assert.Contains(cause, ReferenceVectors.Text(log), StringComparison.Ordinal);

        var e = Assert.Throws<NvsException>(() => NvsGenerator.Generate(ReferenceVectors.Bytes(csv), new NvsWriteOptions(size), ReferenceVectors.ReadFile));

        var error = Assert.Single(e.Errors);
        Assert.Equal(code, error.Code);
        Assert.Contains(cause, error.Message, StringComparison.Ordinal);
        Assert.Equal(line, error.Line);
    }

    [Fact]
    public void Generate_TooSmall_SaysWhichKeyAndTheSizeNeeded()
    {
        var e = Assert.Throws<NvsException>(() => NvsGenerator.Generate(ReferenceVectors.Bytes("err_too_small.csv"), new NvsWriteOptions(0x3000)));

        Assert.Contains("Key `b2` does not fit in 0x3000 (2 data pages and the reserved page); the data needs 3 pages, a partition of at least 0x4000.", e.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_SizeError_ComesBeforeAnyCsvError()
    {
        var e = Assert.Throws<NvsException>(() => NvsGenerator.Generate(ReferenceVectors.Bytes("err_u8_range.csv"), new NvsWriteOptions(0x1800)));

        Assert.Equal(NvsErrorCodes.SizeNotPageMultiple, Assert.Single(e.Errors).Code);
    }
}
