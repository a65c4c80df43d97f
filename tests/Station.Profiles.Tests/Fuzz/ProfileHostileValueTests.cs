using System.Text;
using System.Text.Json.Nodes;
using Station.Profiles.Tests.Support;

namespace Station.Profiles.Tests.Fuzz;

/// <summary>One hostile edit of a demo profile at a time: the problem is reported at the edited path, in words that say what is wrong.</summary>
public sealed class ProfileHostileValueTests : IDisposable
{
    private readonly ProfileWorkspace workspace = new();
    private readonly Dictionary<string, string> demos;

    public ProfileHostileValueTests() => demos = DemoProfiles.CopyInto(workspace);

    public void Dispose() => workspace.Dispose();

    [Theory]
    [InlineData("demo-esp32", "Replace", "$.link.initialBaud", "\"fast\"", "$.link.initialBaud", "must be a whole number, not the string \"fast\"")]
    [InlineData("demo-esp32", "Replace", "$.link.initialBaud", "1e400", "$.link.initialBaud", "must be between 9600 and 8000000, not 1e400")]
    [InlineData("demo-esp32", "Replace", "$.link.initialBaud", "99999999999999999999", "$.link.initialBaud", "must be between 9600 and 8000000, not 99999999999999999999")]
    [InlineData("demo-esp32", "Replace", "$.retry.timeouts.connectSeconds", "1e400", "$.retry.timeouts.connectSeconds", "must be more than 0 and at most 86400 seconds, not 1e400")]
    [InlineData("demo-esp32", "Replace", "$.chip", "null", "$.chip", "is required")]
    [InlineData("demo-esp32", "Remove", "$.images[1].sha256", null, "$.images[1].sha256", "is required")]
    [InlineData("demo-esp32", "Duplicate", "$.name", "\"other\"", "$.name", "appears more than once")]
    [InlineData("demo-esp32", "Add", "$.link", "1", "$.link.baudLader", "unknown property; did you mean 'baudLadder'?")]
    [InlineData("demo-esp32", "Replace", "$.images[0].offset", "\"0xZZ\"", "$.images[0].offset", "must be a hex string like \"0x10000\" or a whole number from 0 to 4294967295, not the string \"0xZZ\"")]
    [InlineData("demo-esp32", "Replace", "$.images[0].offset", "\"0x1001\"", "$.images[0].offset", "0x1001 is not a multiple of 0x1000")]
    [InlineData("demo-esp32", "Replace", "$.images[0].offset", "\"0x100000000\"", "$.images[0].offset", "must be a hex string")]
    [InlineData("demo-esp32", "Replace", "$.images[2].offset", "\"0xFFFFF000\"", "$.images[2].offset", "runs past the end of the 4MB flash")]
    [InlineData("demo-esp32", "Replace", "$.images[0].path", "\"nope.bin\"", "$.images[0].path", "nope.bin does not exist")]
    [InlineData("demo-esp32", "Replace", "$.images[0].path", "\"demo-esp32\"", "$.images[0].path", "cannot be read")]
    [InlineData("demo-esp32", "Replace", "$.images[0].path", "\"a\\u0000b\"", "$.images[0].path", "'a\\u0000b' is not a usable path")]
    [InlineData("demo-esp32", "Replace", "$.images", "[]", "$.images", "must list at least one image")]
    [InlineData("demo-esp32", "Replace", "$.link.baudLadder", "[]", "$.link.baudLadder", "must list at least one baud")]
    [InlineData("demo-esp32", "Replace", "$.bootCheck.pattern", "\"[a-\"", "$.bootCheck.pattern", "is not a valid .NET regular expression")]
    [InlineData("demo-esp32", "Replace", "$.version", "\"\\ud800\"", "$.version", "half of a surrogate pair")]
    [InlineData("demo-esp32-unique", "Replace", "$.deviceData.nvs.size", "-4096", "$.deviceData.nvs.size", "must be a hex string like \"0x10000\" or a whole number from 0 to 4294967295, not the number -4096")]
    [InlineData("demo-esp32-unique", "Replace", "$.deviceData.nvs.size", "\"0x1000\"", "$.deviceData.nvs.size", "0x1000 is too small")]
    [InlineData("demo-esp32-unique", "Replace", "$.deviceData.nvs.offset", "\"0xFFFFF000\"", "$.deviceData.nvs.offset", "the NVS partition 0xFFFFF000..0x100005000 runs past the end of the 4MB flash (0x400000 bytes)")]
    [InlineData("demo-esp32-unique", "Replace", "$.deviceData.nvs.entries[0].value", "\"{serial\"", "$.deviceData.nvs.entries[0].value", "'{' at position 1 is not closed")]
    [InlineData("demo-esp32-unique", "Replace", "$.deviceData.nvs.entries[0].value", "\"{unknown}\"", "$.deviceData.nvs.entries[0].value", "unknown placeholder {unknown}")]
    [InlineData("demo-esp32-unique", "Replace", "$.deviceData.nvs.entries[0].value", "\"{date:%}\"", "$.deviceData.nvs.entries[0].value", "not a date format")]
    [InlineData("demo-esp32-unique", "Replace", "$.deviceData.nvs.entries[6].value", "\"a\\u0000b\"", "$.deviceData.nvs.entries[6].value", "'a\\u0000b' is not a usable path")]
    [InlineData("demo-esp32-unique", "Replace", "$.deviceData.nvs.values.config", "\"a\\u0000b\"", "$.deviceData.nvs.values.config", "'a\\u0000b' is not a usable path")]
    public void Load_OneHostileEdit_IsReportedAtItsPath(string profile, string kind, string path, string? raw, string expectedPath, string expectedMessage)
    {
        var edit = new ProfileEdit(Enum.Parse<EditKind>(kind), path, raw, kind == "Add" ? expectedPath[(path.Length + 1)..] : null);
        string file = workspace.FullPath($"hostile-{profile}.json");
        File.WriteAllBytes(file, edit.ApplyTo(JsonNode.Parse(demos[profile])!));

        var e = Assert.Throws<ProfileException>(() => ProfileLoader.Load(file));

        Assert.Contains(e.Problems, p => p.Path == expectedPath && p.Message.Contains(expectedMessage, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF }, "not valid UTF-8 at line 1, byte 12 (0xFF)")]
    [InlineData(new byte[] { 0xC3, 0x28 }, "not valid UTF-8 at line 1, byte 12 (0xC3)")]
    public void Load_BytesThatAreNotUtf8_AreReportedWithTheirLine(byte[] bad, string expected)
    {
        string file = workspace.FullPath("not-utf8.json");
        File.WriteAllBytes(file, [.. Encoding.UTF8.GetBytes("{\"name\": \"d"), .. bad, .. Encoding.UTF8.GetBytes("\"}")]);

        var e = Assert.Throws<ProfileException>(() => ProfileLoader.Load(file));

        var problem = Assert.Single(e.Problems);
        Assert.Equal("$", problem.Path);
        Assert.StartsWith(expected, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PropertyNameWithALoneSurrogate_NamesItAsWritten()
    {
        string file = workspace.WriteText("lone-surrogate-name.json", "{\"link\": {\"\\udc00x\": 1}}");

        var e = Assert.Throws<ProfileException>(() => ProfileLoader.Load(file));

        var problem = Assert.Single(e.Problems);
        Assert.Equal("$.link", problem.Path);
        Assert.Contains("the property name \"\\udc00x\" holds a \\u escape for half of a surrogate pair", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TruncatedFile_IsNotValidJsonAtTheRoot()
    {
        string file = workspace.WriteText("truncated.json", demos["demo-esp32"][..200]);

        var e = Assert.Throws<ProfileException>(() => ProfileLoader.Load(file));

        var problem = Assert.Single(e.Problems);
        Assert.Equal("$", problem.Path);
        Assert.StartsWith("not valid JSON at line", problem.Message, StringComparison.Ordinal);
    }
}
