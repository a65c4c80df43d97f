using System.Globalization;

namespace Station.Cli.Bench;

/// <summary>The machine a bench ran on, as the report names it.</summary>
public sealed record MachineInfo(int Cores, string CpuModel, long MemoryBytes, string Os)
{
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Cores} cores ({CpuModel}), {MemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB RAM, {Os}");
}

/// <summary>Where the bench finds esptool-js and the flasher stubs, and what machine it runs on.</summary>
public static class BenchEnvironment
{
    private const string Script = "bench-esptool-js.mjs";

    /// <summary>tests/interop/bench-esptool-js.mjs with esptool-js installed beside it, looked for above the working directory and the program.</summary>
    public static string? FindEsptoolJsScript()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string interop = Path.Combine(dir.FullName, "tests", "interop");
                if (File.Exists(Path.Combine(interop, Script)) && Directory.Exists(Path.Combine(interop, "node_modules", "esptool-js")))
                {
                    return Path.Combine(interop, Script);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The stubs Station uses: <paramref name="given"/>; else $STATION_STUB_DIR or ./stubs (null: the line's own lookup);
    /// else the very stub files esptool-js carries (what scripts/fetch-stubs.sh copies), so both tools run the same stub.
    /// </summary>
    public static string? StubDirectory(string? given, string? esptoolJsScript)
    {
        if (given is not null || Environment.GetEnvironmentVariable("STATION_STUB_DIR") is not null || Directory.Exists("stubs"))
        {
            return given;
        }

        string? bundled = esptoolJsScript is null ? null
            : Path.Combine(Path.GetDirectoryName(esptoolJsScript)!, "node_modules", "esptool-js", "lib", "targets", "stub_flasher");
        return bundled is not null && Directory.Exists(bundled) ? bundled : null;
    }

    public static MachineInfo Machine()
    {
        string cpu = "unknown CPU";
        long memory = 0;
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
            string? total = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (total is not null)
            {
                memory = long.Parse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // Not Linux: leave the defaults.
        }

        return new MachineInfo(Environment.ProcessorCount, cpu, memory, System.Runtime.InteropServices.RuntimeInformation.OSDescription);
    }
}
