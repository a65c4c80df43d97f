using Station.Cli.Options;

namespace Station.Cli.Run;

/// <summary>Ports given as a comma-separated list or as a glob such as <c>/dev/ttyUSB*</c>.</summary>
public static class PortList
{
    public static IReadOnlyList<string> Parse(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } ports
            ? ports.Distinct(StringComparer.Ordinal).ToList()
            : throw new UsageException("--ports is empty.");

    /// <summary>Expands a glob whose wildcards are in the file name (<c>/dev/serial/by-path/*usb*</c>), sorted; fails when nothing matches.</summary>
    public static IReadOnlyList<string> Glob(string pattern) =>
        Matches(pattern) is { Count: > 0 } ports ? ports : throw new UsageException($"--ports-glob '{pattern}' matches no port. Plug the fixtures in, or check the pattern.");

    /// <summary>What a glob matches now, sorted; empty when nothing does (yet).</summary>
    public static IReadOnlyList<string> Matches(string pattern)
    {
        string directory = Path.GetDirectoryName(pattern) is { Length: > 0 } d ? d : ".";
        string name = Path.GetFileName(pattern);
        if (directory.Contains('*', StringComparison.Ordinal) || directory.Contains('?', StringComparison.Ordinal))
        {
            throw new UsageException($"--ports-glob '{pattern}': wildcards are only supported in the last part of the path.");
        }

        try
        {
            return Directory.Exists(directory) ? [.. Directory.GetFileSystemEntries(directory, name).Order(StringComparer.Ordinal)] : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The directory went away between the check and the listing (its last port was unplugged).
            return [];
        }
    }
}
