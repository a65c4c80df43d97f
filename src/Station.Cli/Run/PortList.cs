using Station.Cli.Options;

namespace Station.Cli.Run;

/// <summary>Ports given as a comma-separated list or as a glob such as <c>/dev/ttyUSB*</c>.</summary>
public static class PortList
{
    public static IReadOnlyList<string> Parse(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } ports
            ? ports.Distinct(StringComparer.Ordinal).ToList()
            : throw new UsageException("--ports is empty.");

    /// <summary>Expands a glob whose wildcards are in the file name (<c>/dev/serial/by-path/*usb*</c>), sorted.</summary>
    public static IReadOnlyList<string> Glob(string pattern)
    {
        string directory = Path.GetDirectoryName(pattern) is { Length: > 0 } d ? d : ".";
        string name = Path.GetFileName(pattern);
        if (directory.Contains('*', StringComparison.Ordinal) || directory.Contains('?', StringComparison.Ordinal))
        {
            throw new UsageException($"--ports-glob '{pattern}': wildcards are only supported in the last part of the path.");
        }

        var ports = Directory.Exists(directory)
            ? Directory.GetFileSystemEntries(directory, name).Order(StringComparer.Ordinal).ToList()
            : [];
        return ports.Count > 0 ? ports : throw new UsageException($"--ports-glob '{pattern}' matches no port. Plug the fixtures in, or check the pattern.");
    }
}
