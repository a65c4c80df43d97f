using System.Runtime.InteropServices;

namespace Station.Traceability.Files;

/// <summary>
/// Makes directory entries durable. fsync on a file does not persist its name: a new file or a rename
/// survives a power cut only once the directory holding it is fsynced too. .NET cannot open a
/// directory as a handle, hence the two libc calls (file durability, not serial I/O).
/// </summary>
internal static partial class DirectoryEntries
{
    private const string Library = "libc";
    private const int ReadOnly = 0;

    /// <summary>fsyncs a directory so the names created, renamed or removed in it survive a crash.</summary>
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // NTFS journals renames itself; there is no directory handle to flush.
        }

        int fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory {directory} to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"Cannot flush directory {directory} to disk (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Creates a directory and any missing parents, flushing each parent that gained an entry.</summary>
    public static void Create(string directory)
    {
        var missing = new Stack<string>();
        for (string? path = Path.GetFullPath(directory); path is not null && !Directory.Exists(path); path = Path.GetDirectoryName(path))
        {
            missing.Push(path);
        }

        foreach (string path in missing)
        {
            Directory.CreateDirectory(path);
            Flush(Path.GetDirectoryName(path)!);
        }
    }

    [LibraryImport(Library, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport(Library, EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
