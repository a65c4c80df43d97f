using Station.DeviceData.Nvs;
using Station.DeviceData.Nvs.Reading;
using Station.DeviceData.Tests.Support;

namespace Station.DeviceData.Tests.Nvs;

/// <summary>Every well-formed vector of ESP-IDF's generator (0.2.0), reproduced byte for byte from its CSV.</summary>
public class ReferenceVectorTests
{
    public static TheoryData<string, string, int, int> Vectors() => new()
    {
        // csv, bin, size, version
        { "a_primitives.csv", "a_primitives.bin", 0x3000, 2 },
        { "b_strings.csv", "b_strings.bin", 0x4000, 2 },
        { "c_blobs.csv", "c_blobs.bin", 0x6000, 2 },
        { "e_many_keys.csv", "e_many_keys.bin", 0x5000, 2 },
        { "f_factory.csv", "f_factory.bin", 0x6000, 2 },
        { "f_factory_certblob.csv", "f_factory_certblob.bin", 0x6000, 2 },
        { "g_v1.csv", "g_v1.bin", 0x4000, 1 },
        { "g_v1.csv", "g_v2_same_csv.bin", 0x4000, 2 },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Generate_ReferenceVector_IsByteIdentical(string csv, string bin, int size, int version)
    {
        var expected = ReferenceVectors.Bytes(bin);
        Assert.Equal(ReferenceVectors.RecordedSha256(bin), ReferenceVectors.Sha256(expected));

        var generated = NvsGenerator.Generate(
            ReferenceVectors.Bytes(csv),
            new NvsWriteOptions(size, NvsFormatVersions.FromNumber(version)),
            ReferenceVectors.ReadFile);

        ReferenceVectors.AssertSameBytes(expected, generated.Image.Bytes);
        Assert.Equal(ReferenceVectors.RecordedSha256(bin), ReferenceVectors.Sha256(generated.Image.Bytes));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Read_ReferenceVector_HasNoProblemsAndGivesTheCsvEntriesBack(string csv, string bin, int size, int version)
    {
        var partition = NvsReader.Read(ReferenceVectors.Bytes(bin));
        var document = Station.DeviceData.Nvs.Csv.NvsCsvReader.Read(
            ReferenceVectors.Bytes(csv),
            new Station.DeviceData.Nvs.Csv.NvsCsvOptions(NvsFormatVersions.FromNumber(version), ReferenceVectors.ReadFile));

        Assert.Empty(partition.Problems);
        Assert.Equal(size, partition.Pages.Count * 4096);
        Assert.Equal(document.Items, partition.Items);
    }
}
