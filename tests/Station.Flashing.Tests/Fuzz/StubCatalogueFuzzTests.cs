using System.Text;
using Station.Flashing.Errors;
using Station.Flashing.Stub;
using Station.Flashing.Tests.Support;
using Station.Protocol.Chips;
using Station.Testing.Fuzz;

namespace Station.Flashing.Tests.Fuzz;

/// <summary>
/// Broken stub files as the station meets them, through the catalogue: every one is E-STUB-INVALID (exit code 40),
/// permanent, naming the file and what is wrong; damaged bytes never escape as any other exception.
/// </summary>
public sealed class StubCatalogueFuzzTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("station-stub-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("{\"entry\": 1, \"text\": \"AQ==\"", "not valid JSON")]
    [InlineData("[]", "the top level must be an object")]
    [InlineData("{\"entry\": 1, \"text_start\": 1073741824}", "field 'text' is missing")]
    [InlineData("{\"text\": \"AQ==\", \"text_start\": 1073741824}", "field 'entry' is missing")]
    [InlineData("{\"entry\": 1, \"text\": \"not base64!\", \"text_start\": 1073741824}", "field 'text' is not valid base64")]
    [InlineData("{\"entry\": 1, \"text\": \"\\udc00\", \"text_start\": 1073741824}", "field 'text' is not valid base64")]
    [InlineData("{\"entry\": -5, \"text\": \"AQ==\", \"text_start\": 1073741824}", "field 'entry' must be an unsigned 32-bit number")]
    [InlineData("{\"entry\": 0, \"text\": \"AQ==\", \"text_start\": 1073741824}", "'entry' is 0")]
    [InlineData("{\"entry\": 1, \"text\": \"AQIDBA==\", \"text_start\": 4294967295}", "'text' (4 bytes at 0xFFFFFFFF) runs past the end of the 32-bit address space")]
    [InlineData("{\"entry\": 1, \"text\": \"AQIDBA==\", \"text_start\": 4096, \"data\": \"AQ==\", \"data_start\": 4096}", "'data' (0x00001000, 1 bytes) overlaps 'text'")]
    public void Find_MalformedStubFile_IsStubInvalidNamingFileAndField(string json, string expected)
    {
        string path = Write(Encoding.UTF8.GetBytes(json));

        var e = Assert.Throws<FlashException>(() => StubCatalogue.FromDirectory(_directory).Find(ChipCatalogue.Esp32));

        Assert.Equal(ErrorCodes.StubInvalid, e.Error.Code);
        Assert.True(e.Error.Permanent);
        Assert.Contains(path, e.Error.Cause, StringComparison.Ordinal);
        Assert.Contains(expected, e.Error.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Find_RealStubWithDamagedBytes_IsAStubOrStubInvalid()
    {
        byte[] original = await File.ReadAllBytesAsync(Path.Combine(StubFiles.Directory, "esp32.json"));

        await FuzzCases.RunAsync(6001, 300, random => Damage(random, original), bytes =>
        {
            Write(bytes);
            try
            {
                Assert.NotNull(StubCatalogue.FromDirectory(_directory).Find(ChipCatalogue.Esp32));
            }
            catch (FlashException e)
            {
                Assert.Equal(ErrorCodes.StubInvalid, e.Error.Code);
                Assert.StartsWith($"Stub file {Path.Combine(_directory, "esp32.json")}: ", e.Error.Cause, StringComparison.Ordinal);
            }

            return Task.CompletedTask;
        }, bytes => Encoding.UTF8.GetString(bytes));
    }

    /// <summary>The file cut short, a byte changed or dropped, or bytes that are not UTF-8 put in.</summary>
    private static byte[] Damage(Random random, byte[] original)
    {
        var bytes = new List<byte>(original);
        int at = random.Next(bytes.Count);
        switch (random.Next(4))
        {
            case 0:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case 1:
                bytes[at] = (byte)random.Next(256);
                break;
            case 2:
                bytes.RemoveAt(at);
                break;
            default:
                bytes.InsertRange(at, [0xFF, 0xC3, 0x00]);
                break;
        }

        return [.. bytes];
    }

    private string Write(byte[] bytes)
    {
        string path = Path.Combine(_directory, "esp32.json");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
