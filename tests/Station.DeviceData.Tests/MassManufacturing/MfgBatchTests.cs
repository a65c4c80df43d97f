using Station.DeviceData.MassManufacturing;
using Station.DeviceData.Nvs;
using Station.DeviceData.Nvs.Csv;
using Station.DeviceData.Tests.Support;

namespace Station.DeviceData.Tests.MassManufacturing;

/// <summary>mfg_gen's config + values layout (nvs-format.md §14, ESP-IDF tools/mass_mfg) turned into per-device entries.</summary>
public class MfgBatchTests
{
    private const string Calib = "112e4b6885a2bfdcf91633506d8aa7c4e1fe1b3855728facc9e603203d5a7794b1ceeb0825425f7c99b6d3f00d2a4764819ebbd8f5122f4c6986a3c0ddfa1734";

    private const string Config = """
        factory,namespace,
        serial,data,string

        mac,data,string
        hw_rev,data,u8,REPEAT
        calib,data,hex2bin
        cert,file,string
        """;

    private static readonly string Values = $"""
        id,serial,mac,hw_rev,calib,cert
        1,SN-2024-000123,24:6F:28:AB:CD:EF,3,{Calib},files/cert.pem
        2,SN-2024-000124,24:6F:28:AB:CD:F0,9,{Calib},files/cert.pem

        """;

    private static IReadOnlyList<MfgDevice> Devices(string config = Config, string? values = null, string? fileId = null) =>
        MfgBatch.Devices(MfgConfig.Parse(config), MfgValues.Parse(values ?? Values), fileId);

    [Fact]
    public void Devices_FirstDevice_BuildsTheSameImageAsTheGeneratorCsv()
    {
        // The doc: device 1 of this batch matches f_factory.bin byte for byte.
        var device = Devices()[0];

        var image = NvsGenerator.Generate(device.ToDocument(new NvsCsvOptions(ReadFile: ReferenceVectors.ReadFile)), new NvsWriteOptions(0x6000)).Image;

        ReferenceVectors.AssertSameBytes(ReferenceVectors.Bytes("f_factory.bin"), image.Bytes);
    }

    [Fact]
    public void Devices_IntermediateCsv_IsWhatMfgGenWrites()
    {
        var device = Devices()[0];

        Assert.Equal(
            "key,type,encoding,value\r\nfactory,namespace,,\r\nserial,data,string,SN-2024-000123\r\nmac,data,string,24:6F:28:AB:CD:EF\r\n" +
            $"hw_rev,data,u8,3\r\ncalib,data,hex2bin,{Calib}\r\ncert,file,string,files/cert.pem\r\n",
            device.ToCsv());
        Assert.Equal(device.ToDocument(new NvsCsvOptions(ReadFile: ReferenceVectors.ReadFile)).Items, NvsCsvReader.Read(device.ToCsv(), new NvsCsvOptions(ReadFile: ReferenceVectors.ReadFile)).Items);
    }

    [Fact]
    public void Devices_RepeatKey_TakesTheFirstDevicesValue()
    {
        var devices = Devices();

        Assert.Equal(["1", "2"], devices.Select(d => d.FileId));
        Assert.Equal("3", devices[1].Values["hw_rev"]);
        Assert.Equal("SN-2024-000124", devices[1].Values["serial"]);
        Assert.Equal("2", devices[1].Values["id"]);
        Assert.Equal(3, devices[1].ValuesLine);
    }

    [Fact]
    public void Devices_FileIdColumn_NamesEachDevice()
    {
        Assert.Equal(["SN-2024-000123", "SN-2024-000124"], Devices(fileId: "serial").Select(d => d.FileId));
    }

    [Fact]
    public void Devices_UnknownFileIdColumn_IsRefused()
    {
        var e = Assert.Throws<NvsException>(() => Devices(fileId: "uuid"));

        Assert.Equal("Error: target_file_identifier: uuid does not exist in values file.", e.Errors[0].Message);
    }

    [Fact]
    public void Devices_KeysOutOfOrderOrMissing_AreEachReported()
    {
        var e = Assert.Throws<NvsException>(() => Devices(values: "mac,serial,calib\n1,2,00\n"));

        // mfg_gen walks the config keys against the values columns in order: serial is missed because mac comes
        // first, and once serial is pending, calib can no longer match either.
        Assert.Equal(["serial", "hw_rev", "calib", "cert"], e.Errors.Select(r => r.Message.Split(' ')[1]));
        Assert.Equal("Key:` serial ` at line no: 2  in config file is not found in values file.", e.Errors[0].Message);
    }

    [Fact]
    public void Values_RowWithTooFewFields_IsRefusedWithItsLine()
    {
        var e = Assert.Throws<NvsException>(() => MfgValues.Parse("a,b\n1,2\n\n3\n"));

        Assert.Equal("Error: Number of values is not equal to number of keys in file: values.csv at line No:4 (1 values, 2 keys)", Assert.Single(e.Errors).Message);
    }

    [Theory]
    [InlineData("ns,namespace,\nx,data,i16\n", "Error: config file: config.csv has invalid encoding at line no:2 (mfg_gen does not accept i16; use i32)")]
    [InlineData("ns,namespace,\nx,data,blob_fill(4;0x00)\n", "Error: config file: config.csv has invalid encoding at line no:2")]
    [InlineData("ns,namespace,\nx,blob,u8\n", "Error: config file: config.csv has invalid datatype at line no:2")]
    [InlineData("ns,namespace\n", "Error: data missing in config file at line no:1 <format needed:key,type,encoding>")]
    [InlineData("ns,namespace,\nx,data,u8,ONCE\n", "Error: data missing in config file at line no:2 <format needed:key,type,encoding>")]
    [InlineData("x,data,u8\n", "`x` comes before any namespace row; the first row of the config is a namespace (name,namespace,).")]
    [InlineData("  \n\n", "Error: config file: config.csv is empty.")]
    public void Config_Malformed_IsRefusedWithMfgGensMessage(string config, string message)
    {
        var e = Assert.Throws<NvsException>(() => MfgConfig.Parse(config));

        Assert.Equal(message, e.Errors[0].Message);
    }

    [Fact]
    public void Device_BadValue_NamesTheDeviceTheValuesLineAndTheConfigLine()
    {
        var devices = Devices(values: $"id,serial,mac,hw_rev,calib,cert\n1,SN,MAC,300,{Calib},files/cert.pem\n");

        var e = Assert.Throws<NvsException>(() => devices[0].ToDocument(new NvsCsvOptions(ReadFile: ReferenceVectors.ReadFile)));

        Assert.Equal("device 1 (values line 2), config line 5: Packing error for 'u8' key 'hw_rev' = '300': ubyte format requires 0 <= number <= 255", Assert.Single(e.Errors).ToString());
    }

    [Fact]
    public void Devices_ExtraValueColumns_AreSkipped()
    {
        var device = Assert.Single(Devices("ns,namespace,\nb,data,u8\n", "a,b,c\nx,7,y\n"));

        Assert.Equal([new NvsNamespace("ns"), new NvsEntry("ns", "b", NvsValue.U8(7))], device.ToDocument(new NvsCsvOptions()).Items);
    }
}
