using Station.Protocol.Stubs;
using Station.Testing.Fuzz;

namespace Station.Protocol.Tests.Fuzz;

/// <summary>
/// esptool's stub files damaged many ways: parsing gives a usable stub or a <see cref="ProtocolException"/>
/// (<see cref="ProtocolFault.MalformedStubFile"/>) naming the file and, where one field is wrong, that field.
/// </summary>
public class StubImageFuzzTests
{
    private const string Source = "stubs/esp32.json";

    private static readonly Lazy<string[]> Seeds = new(() =>
        [.. Directory.EnumerateFiles(EsptoolJsStubDirectory(), "*.json").Order(StringComparer.Ordinal).Select(File.ReadAllText)]);

    [Fact]
    public void Parse_MutatedEsptoolStubs_GiveAStubOrAMalformedStubFileError()
    {
        FuzzCases.Run(5001, 3000, random => StubFileMutator.Mutate(random, Seeds.Value[random.Next(Seeds.Value.Length)]), mutation =>
        {
            try
            {
                var stub = StubImage.Parse(mutation.Json, Source);
                Assert.Null(mutation.ExpectedMessage);
                Assert.NotEmpty(stub.Text);
                Assert.NotEqual(0u, stub.Entry);
                Assert.All(stub.Segments(), s => Assert.InRange((long)s.Address + s.Bytes.Length, 1, 0x1_0000_0000));
            }
            catch (ProtocolException e)
            {
                Assert.Equal(ProtocolFault.MalformedStubFile, e.Fault);
                Assert.StartsWith($"Stub file {Source}: ", e.Message, StringComparison.Ordinal);
                if (mutation.ExpectedMessage is { } expected)
                {
                    Assert.Contains(expected, e.Message, StringComparison.Ordinal);
                }
            }
        }, StubFileMutator.Describe);
    }

    [Theory]
    [InlineData("""{"entry": 0, "text": "AQ==", "text_start": 1073741824}""", "'entry' is 0, which tells the loader not to start the stub")]
    [InlineData("""{"entry": 1, "text": "AQIDBA==", "text_start": 4294967294}""", "'text' (4 bytes at 0xFFFFFFFE) runs past the end of the 32-bit address space")]
    [InlineData("""{"entry": 1, "text": "AQ==", "text_start": 0, "data": "AQIDBA==", "data_start": 4294967295}""", "'data' (4 bytes at 0xFFFFFFFF) runs past the end of the 32-bit address space")]
    [InlineData("""{"entry": 1, "text": "AQIDBA==", "text_start": 4096, "data": "AQID", "data_start": 4098}""", "'data' (0x00001002, 3 bytes) overlaps 'text' (0x00001000, 4 bytes)")]
    [InlineData("""{"entry": 4294967296, "text": "AQ==", "text_start": 1}""", "field 'entry' must be an unsigned 32-bit number")]
    [InlineData("""{"entry": 1.5, "text": "AQ==", "text_start": 1}""", "field 'entry' must be an unsigned 32-bit number")]
    [InlineData("""{"entry": "0x400", "text": "AQ==", "text_start": 1}""", "field 'entry' must be an unsigned 32-bit number")]
    [InlineData("""{"entry": 1, "text": "\ud800", "text_start": 1}""", "field 'text' is not valid base64")]
    [InlineData("""{"entry": 1, "text": "AQ=", "text_start": 1}""", "field 'text' is not valid base64")]
    [InlineData("""{"entry": 1, "text": ["AQ=="], "text_start": 1}""", "field 'text' must be a base64 string")]
    [InlineData("""{"entry": 1, "text": "AQ==", "text_start": 1, "data": "AQ==", "data_start": null}""", "field 'data_start' must be an unsigned 32-bit number")]
    [InlineData("""{"entry": 1, "text": "AQ==", "text_start": 1,""", "not valid JSON")]
    public void Parse_AbsurdOrMalformedField_SaysWhichAndWhy(string json, string expected)
    {
        var e = Assert.Throws<ProtocolException>(() => StubImage.Parse(json, Source));

        Assert.Equal(ProtocolFault.MalformedStubFile, e.Fault);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TextLargerThanAnyRam_IsRefusedBeforeUpload()
    {
        string json = $$"""{"entry": 1, "text": "{{Convert.ToBase64String(new byte[StubImage.MaxSegmentLength + 1])}}", "text_start": 1073741824}""";

        var e = Assert.Throws<ProtocolException>(() => StubImage.Parse(json, Source));

        Assert.Contains($"'text' is {StubImage.MaxSegmentLength + 1} bytes, more than any chip's RAM holds", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EveryShippedStub_IsValid()
    {
        Assert.True(Seeds.Value.Length >= 8, $"expected esptool-js's stub set, found {Seeds.Value.Length} files");
        Assert.All(Seeds.Value, json => Assert.NotEmpty(StubImage.Parse(json, Source).Text));
    }

    /// <summary>The stubs inside the pinned esptool-js package that scripts/test.sh installs (never committed here).</summary>
    private static string EsptoolJsStubDirectory()
    {
        string stubs = Path.Combine(RepositoryRoot(), "tests", "interop", "node_modules", "esptool-js", "lib", "targets", "stub_flasher");
        return Directory.Exists(stubs) ? stubs : throw new InvalidOperationException($"Run scripts/test.sh (or npm ci in tests/interop) first: {stubs} is missing.");
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Station.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (Station.sln) above the test binaries.");
    }
}
