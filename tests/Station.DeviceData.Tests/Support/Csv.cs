using Station.DeviceData.Nvs;
using Station.DeviceData.Nvs.Csv;

namespace Station.DeviceData.Tests.Support;

/// <summary>Reads generator CSVs written inline in tests.</summary>
internal static class Csv
{
    public const string Header = "key,type,encoding,value\n";

    public static IReadOnlyList<NvsItem> Items(string body, NvsFormatVersion version = NvsFormatVersion.Version2, IReadOnlyDictionary<string, byte[]>? files = null) =>
        NvsCsvReader.Read(Header + body, Options(version, files)).Items;

    public static NvsException Errors(string body, NvsFormatVersion version = NvsFormatVersion.Version2, IReadOnlyDictionary<string, byte[]>? files = null) =>
        Assert.Throws<NvsException>(() => NvsCsvReader.Read(Header + body, Options(version, files)));

    /// <summary>The value of the only entry of a one-row CSV under namespace "ns".</summary>
    public static NvsValue Value(string encoding, string value) =>
        Assert.IsType<NvsEntry>(Items($"ns,namespace,,\nk,data,{encoding},{value}\n")[1]).Value;

    public static NvsCsvOptions Options(NvsFormatVersion version, IReadOnlyDictionary<string, byte[]>? files) => new(version, path =>
        files is not null && files.TryGetValue(path, out byte[]? bytes) ? bytes : throw new FileNotFoundException("not in the test's files", path));
}
