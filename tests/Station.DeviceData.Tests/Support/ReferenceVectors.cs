using System.Security.Cryptography;

namespace Station.DeviceData.Tests.Support;

/// <summary>The reference generator's vectors (Vectors/, from nvs-format.md §13) and a byte comparison that says where.</summary>
internal static class ReferenceVectors
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Vectors");

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Folder, name));

    public static string Text(string name) => File.ReadAllText(Path.Combine(Folder, name));

    /// <summary>Resolves file rows the way the generator did when it made the vectors: from the vectors folder.</summary>
    public static byte[] ReadFile(string path) => File.ReadAllBytes(Path.IsPathRooted(path) ? path : Path.Combine(Folder, path));

    /// <summary>The SHA-256 recorded in SHA256SUMS for a .bin.</summary>
    public static string RecordedSha256(string bin) => File.ReadLines(Path.Combine(Folder, "SHA256SUMS"))
        .Select(l => l.Split("  ", 2))
        .Single(p => p[1] == bin)[0];

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Fails with the first differing offset, its page and entry, and both bytes around it.</summary>
    public static void AssertSameBytes(byte[] expected, byte[] actual)
    {
        int length = Math.Min(expected.Length, actual.Length);
        int first = expected.AsSpan(0, length).CommonPrefixLength(actual.AsSpan(0, length));
        if (first == length && expected.Length == actual.Length)
        {
            return;
        }

        if (first == length)
        {
            Assert.Fail($"Lengths differ: expected {expected.Length} bytes, got {actual.Length}; the first {length} agree.");
        }

        int page = first / 4096;
        int inPage = first % 4096;
        string where = inPage < 32 ? "page header" : inPage < 64 ? "entry state bitmap" : $"entry {(inPage - 64) / 32}, byte {(inPage - 64) % 32}";
        int from = Math.Max(0, first - 8);
        Assert.Fail(
            $"First difference at offset 0x{first:X} (page {page}, {where}): expected 0x{expected[first]:X2}, got 0x{actual[first]:X2}.\n" +
            $"expected {Convert.ToHexString(expected.AsSpan(from, Math.Min(24, expected.Length - from)))}\n" +
            $"actual   {Convert.ToHexString(actual.AsSpan(from, Math.Min(24, actual.Length - from)))}");
    }
}
