using System.Diagnostics;
using Station.Flashing.Stub;

namespace Station.Flashing.Tests.Support;

/// <summary>
/// Espressif's real flasher stubs, taken from the pinned esptool-js package that the test script
/// installs into tests/interop (installed here on first use when a test runs on its own).
/// </summary>
internal static class StubFiles
{
    private static readonly Lazy<string> s_directory = new(Locate);

    public static string Directory => s_directory.Value;

    public static StubCatalogue Catalogue => StubCatalogue.FromDirectory(Directory);

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Station.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (Station.sln) above the test binaries.");
    }

    private static string Locate()
    {
        string interop = Path.Combine(RepositoryRoot(), "tests", "interop");
        string stubs = Path.Combine(interop, "node_modules", "esptool-js", "lib", "targets", "stub_flasher");
        if (!System.IO.Directory.Exists(stubs))
        {
            using var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund --loglevel=error")
            {
                WorkingDirectory = interop,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            npm.WaitForExit(TimeSpan.FromMinutes(5));
            if (npm.ExitCode != 0 || !System.IO.Directory.Exists(stubs))
            {
                throw new InvalidOperationException($"npm ci in {interop} failed: {npm.StandardError.ReadToEnd()}");
            }
        }

        return stubs;
    }
}
