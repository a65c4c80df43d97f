using System.Security.Cryptography;

namespace Station.Profiles.Reading;

/// <summary>What validation learns from an image file: its length and its SHA-256 (lower-case hex).</summary>
internal sealed record ImageFile(long Length, string Sha256)
{
    /// <summary>Streams the file through SHA-256; throws the file system's exceptions for a missing or unreadable file.</summary>
    public static ImageFile Inspect(string fullPath)
    {
        using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        return new ImageFile(stream.Length, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }

    /// <summary>One wording for a pin mismatch, whether validation or the job finds it.</summary>
    public static string MismatchMessage(string path, string actual, string pinned) =>
        $"file {path} has SHA-256 {actual}, the profile pins {pinned}";
}
