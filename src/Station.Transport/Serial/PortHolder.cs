using System.Globalization;
using Station.Transport.Serial.Posix;

namespace Station.Transport.Serial;

/// <summary>
/// Names the process that holds a busy port (F2: "another program holds the port — say which"), by
/// looking for the device among the open descriptors in /proc/*/fd. Only reads; never takes the port.
/// </summary>
internal static class PortHolder
{
    private const int MaxCommandLine = 120;

    /// <summary>
    /// "pid 1234 (minicom -D /dev/ttyUSB0)", or null when no process could be seen holding it (other
    /// users' descriptors are hidden from non-root users). A process holding the flock on the device
    /// is preferred over one that merely has it open; among those, another process over this one.
    /// </summary>
    public static string? Find(string path)
    {
        string device = Libc.ResolvePath(path) ?? Path.GetFullPath(path);
        int self = Environment.ProcessId;
        int? opener = null;
        foreach (string process in SafeEnumerate("/proc", directories: true))
        {
            if (!int.TryParse(Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            foreach (string fd in SafeEnumerate(Path.Combine(process, "fd"), directories: false))
            {
                if (LinkTarget(fd) != device)
                {
                    continue;
                }

                if (HoldsFlock(process, Path.GetFileName(fd)))
                {
                    return Describe(pid);
                }

                if (opener is null || opener == self)
                {
                    opener = pid;
                }
            }
        }

        return opener is int found ? Describe(found) : null;
    }

    private static string Describe(int pid)
    {
        string command = ReadOrEmpty($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        if (command.Length == 0)
        {
            command = ReadOrEmpty($"/proc/{pid}/comm").Trim();
        }

        if (command.Length > MaxCommandLine)
        {
            command = string.Concat(command.AsSpan(0, MaxCommandLine - 1), "…");
        }

        return command.Length == 0 ? $"pid {pid}" : $"pid {pid} ({command})";
    }

    /// <summary>/proc/PID/fdinfo/FD lists the locks taken through that descriptor ("lock: 1: FLOCK ...").</summary>
    private static bool HoldsFlock(string process, string fd) =>
        ReadOrEmpty(Path.Combine(process, "fdinfo", fd)).Contains("FLOCK", StringComparison.Ordinal);

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>Lists a /proc directory, skipping what vanishes or is not ours to read (processes come and go).</summary>
    private static List<string> SafeEnumerate(string directory, bool directories)
    {
        try
        {
            return directories
                ? [.. Directory.EnumerateDirectories(directory)]
                : [.. Directory.EnumerateFileSystemEntries(directory)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
