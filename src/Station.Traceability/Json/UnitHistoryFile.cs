using System.Text.Json;
using Station.Traceability.Files;

namespace Station.Traceability.Json;

/// <summary>Reads and atomically replaces <c>by-mac/&lt;MAC&gt;.json</c> files.</summary>
public static class UnitHistoryFile
{
    public const string Directory = "by-mac";

    /// <summary><c>&lt;batchDirectory&gt;/by-mac/24-0A-C4-12-34-56.json</c>.</summary>
    public static string PathFor(string batchDirectory, string mac) =>
        Path.Combine(batchDirectory, Directory, MacAddressText.FileStem(mac) + ".json");

    /// <summary>The history in the file, or null when there is none. A stray <c>.tmp</c> beside it is never read.</summary>
    public static async Task<UnitHistory?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 16 * 1024);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        await using (stream.ConfigureAwait(false))
        {
            try
            {
                return await JsonSerializer.DeserializeAsync<UnitHistory>(stream, UnitRecordJson.Options, cancellationToken).ConfigureAwait(false)
                    ?? throw new RecordFileException(path, "holds null instead of a unit history.");
            }
            catch (JsonException e)
            {
                throw new RecordFileException(path, $"is not a unit history: {e.Message}", e);
            }
        }
    }

    /// <summary>Replaces the file with <paramref name="history"/>: temp file, fsync, rename, fsync of the directory.</summary>
    public static Task WriteAsync(string path, UnitHistory history, CancellationToken cancellationToken) =>
        AtomicFile.ReplaceAsync(path, (stream, token) => JsonSerializer.SerializeAsync(stream, history, UnitRecordJson.Options, token), cancellationToken);
}
