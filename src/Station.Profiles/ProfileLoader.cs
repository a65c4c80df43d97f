using System.Security.Cryptography;
using System.Text.Json;
using Station.Profiles.Reading;

namespace Station.Profiles;

/// <summary>
/// Reads and validates profile files (profiles/*.json, documented in profiles/README.md and
/// profiles/profile.schema.json). Every problem is reported with its JSON path, all in one pass.
/// </summary>
public static partial class ProfileLoader
{
    /// <summary>Lowest baud a profile may name.</summary>
    public const int MinBaud = ProfileReader.MinBaud;

    /// <summary>Highest baud a profile may name.</summary>
    public const int MaxBaud = ProfileReader.MaxBaud;

    // Engineers annotate profiles by hand: comments and trailing commas are allowed.
    private static readonly JsonDocumentOptions s_jsonOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Loads a profile; throws <see cref="ProfileException"/> carrying every problem when it is not usable.</summary>
    /// <remarks>
    /// Image files are opened and hashed here so a wrong file is found before a job starts; a job still flashes
    /// only the bytes <see cref="ProfileImages.LoadAsync"/> reads and checks again, since files can change after loading.
    /// </remarks>
    public static Profile Load(string path)
    {
        var (profile, problems, fullPath) = Read(path);
        return profile ?? throw new ProfileException(fullPath, problems);
    }

    /// <summary>Every problem in the profile (empty when it is usable). Never throws for a bad or missing file.</summary>
    public static IReadOnlyList<ProfileProblem> Validate(string path) => Read(path).Problems;

    private static (Profile? Profile, IReadOnlyList<ProfileProblem> Problems, string FullPath) Read(string path)
    {
        var problems = new ProblemList();
        string fullPath = path;
        byte[] bytes;
        try
        {
            fullPath = Path.GetFullPath(path);
            bytes = File.ReadAllBytes(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problems.Add(JsonPath.Root, $"cannot read profile file '{path}': {e.Message}");
            return (null, problems.Items, fullPath);
        }

        string sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var text = WithoutByteOrderMark(bytes);
        if (!TextEncodingCheck.IsUtf8(text.Span, problems))
        {
            return (null, problems.Items, fullPath);
        }

        try
        {
            using var document = JsonDocument.Parse(text, s_jsonOptions);
            if (!TextEncodingCheck.HasOnlyWholeCharacters(document.RootElement, problems))
            {
                return (null, problems.Items, fullPath);
            }

            var reader = new ProfileReader(Path.GetDirectoryName(fullPath)!, problems);
            var profile = reader.Read(document.RootElement, fullPath, sha256);
            return (profile, problems.Items, fullPath);
        }
        catch (JsonException e)
        {
            problems.Add(JsonPath.Root, $"not valid JSON at line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}: {WithoutLocation(e.Message)}");
            return (null, problems.Items, fullPath);
        }
    }

    /// <summary>Editors on Windows save UTF-8 with a BOM, which the JSON reader refuses.</summary>
    private static ReadOnlyMemory<byte> WithoutByteOrderMark(byte[] bytes) =>
        bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes.AsMemory(3) : bytes;

    /// <summary>The reader appends "LineNumber: 3 | BytePositionInLine: 4." which the problem already says in words.</summary>
    private static string WithoutLocation(string message)
    {
        int at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return at < 0 ? message : message[..at];
    }
}
