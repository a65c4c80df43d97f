using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Station.Profiles.Tests.Support;

/// <summary>A temporary folder holding a profile and its image files; deleted on dispose.</summary>
internal sealed class ProfileWorkspace : IDisposable
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "station-profiles-tests", Guid.NewGuid().ToString("N"));

    public ProfileWorkspace() => Directory.CreateDirectory(Root);

    /// <summary>Writes <paramref name="length"/> deterministic bytes and returns their SHA-256 (lower-case hex).</summary>
    public string WriteImage(string relativePath, int length, byte seed = 1)
    {
        var bytes = new byte[length];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((i * 31) + seed);
        }

        string path = FullPath(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    public string WriteProfile(JsonNode profile, string relativePath = "profile.json") =>
        WriteText(relativePath, profile.ToJsonString(s_indented));

    public string WriteText(string relativePath, string text)
    {
        string path = FullPath(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public string FullPath(string relativePath) => Path.GetFullPath(Path.Combine(Root, relativePath));

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
