using Station.Protocol.Status;

namespace Station.Protocol.Tests.Status;

public class DeviceStatusTests
{
    [Fact]
    public void Read_Esp32RomFailure01070000_IsChecksumErrorNotTimeout()
    {
        // "Failed to write to target RAM (result was 01070000)": ROM error 0x07, invalid checksum (F1).
        var status = DeviceStatus.Read(Hex.Bytes("01 07 00 00"), 0, LoaderKind.Esp32Rom);
        var error = DeviceErrors.Describe(LoaderKind.Esp32Rom, status.Code);

        Assert.True(status.Failed);
        Assert.Equal((byte)RomErrorCode.InvalidCrc, status.Code);
        Assert.Equal("InvalidCrc", error.Name);
        Assert.Contains("corrupted on the serial link", error.Meaning, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_StubFailure_CodeComesFirst()
    {
        var status = DeviceStatus.Read(Hex.Bytes("c1 00"), 0, LoaderKind.Stub);

        Assert.True(status.Failed);
        Assert.Equal((byte)StubErrorCode.BadDataChecksum, status.Code);
    }

    [Fact]
    public void Read_Esp8266RomFailure_IsTwoBytes()
    {
        var status = DeviceStatus.Read(Hex.Bytes("01 05"), 0, LoaderKind.Esp8266Rom);

        Assert.Equal(new DeviceStatus(true, 0x05), status);
    }

    [Fact]
    public void Read_StatusFollowsTheExpectedResult()
    {
        byte[] md5Reply = [.. new byte[16], 0x00, 0x00];
        Assert.False(DeviceStatus.Read(md5Reply, 16, LoaderKind.Stub).Failed);

        byte[] romMd5 = [.. System.Text.Encoding.ASCII.GetBytes(new string('a', 32)), 0x00, 0x00, 0x00, 0x00];
        Assert.False(DeviceStatus.Read(romMd5, 32, LoaderKind.Esp32Rom).Failed);
    }

    [Fact]
    public void Read_FailureWithoutResult_IsReadFromTheStart()
    {
        var status = DeviceStatus.Read(Hex.Bytes("01 09 00 00"), 32, LoaderKind.Esp32Rom);

        Assert.Equal(new DeviceStatus(true, 0x09), status);
    }

    [Fact]
    public void Read_TooShortSuccess_IsAProtocolError()
    {
        var e = Assert.Throws<ProtocolException>(() => DeviceStatus.Read(Hex.Bytes("00 00"), 16, LoaderKind.Stub));
        Assert.Equal(ProtocolFault.MalformedResponse, e.Fault);
    }

    [Theory]
    [InlineData(LoaderKind.Esp32Rom, 0x07, "01070000")]
    [InlineData(LoaderKind.Esp8266Rom, 0x07, "0107")]
    [InlineData(LoaderKind.Stub, 0xC1, "c100")]
    [InlineData(LoaderKind.Esp32Rom, 0x00, "00000000")]
    public void Encode_PerLoaderLayout(LoaderKind kind, byte code, string expected)
    {
        Assert.Equal(expected, Hex.Of(DeviceStatus.Encode(kind, code)));
    }

    [Fact]
    public void Describe_EveryDocumentedCode_HasANameAndMeaning()
    {
        foreach (RomErrorCode code in Enum.GetValues<RomErrorCode>())
        {
            Assert.DoesNotContain("undocumented", DeviceErrors.Describe(LoaderKind.Esp32Rom, (byte)code).Meaning, StringComparison.Ordinal);
        }

        foreach (StubErrorCode code in Enum.GetValues<StubErrorCode>())
        {
            Assert.DoesNotContain("undocumented", DeviceErrors.Describe(LoaderKind.Stub, (byte)code).Meaning, StringComparison.Ordinal);
        }

        Assert.Contains("undocumented", DeviceErrors.Describe(LoaderKind.Stub, 0x42).Meaning, StringComparison.Ordinal);
    }
}
