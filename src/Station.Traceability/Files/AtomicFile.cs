namespace Station.Traceability.Files;

/// <summary>
/// Replaces a file so that a crash leaves either the old content or the new, never a mix: write
/// <c>&lt;name&gt;.tmp</c> beside it, fsync it, rename it over the old file (atomic on POSIX), fsync the
/// directory. A crash before the rename leaves a stray <c>.tmp</c>, which readers never open and the
/// next replace overwrites.
/// </summary>
internal static class AtomicFile
{
    public const string TempSuffix = ".tmp";

    public static async Task ReplaceAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        string temp = path + TempSuffix;
        var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 16 * 1024);
        await using (stream.ConfigureAwait(false))
        {
            await write(stream, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        DirectoryEntries.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}
