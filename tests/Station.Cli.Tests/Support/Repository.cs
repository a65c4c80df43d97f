using System.Diagnostics;

namespace Station.Cli.Tests.Support;

internal static class Repository
{
    private static readonly Lazy<string> s_interop = new(EnsureInterop);

    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Station.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (Station.sln) above the test binaries.");
    }

    /// <summary>tests/interop with its pinned npm packages installed (the test script installs them; a lone test run does it here).</summary>
    public static string Interop => s_interop.Value;

    public static string Stubs => Path.Combine(Interop, "node_modules", "esptool-js", "lib", "targets", "stub_flasher");

    public static string TempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "station-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string EnsureInterop()
    {
        string interop = Path.Combine(Root(), "tests", "interop");
        if (!Directory.Exists(Path.Combine(interop, "node_modules", "esptool-js")))
        {
            using var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund --loglevel=error")
            {
                WorkingDirectory = interop,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            npm.WaitForExit(TimeSpan.FromMinutes(5));
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {interop} failed: {npm.StandardError.ReadToEnd()}");
            }
        }

        return interop;
    }
}
