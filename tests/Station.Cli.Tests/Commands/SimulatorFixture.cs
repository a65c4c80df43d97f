using System.Text.RegularExpressions;
using Station.Cli.Tests.Support;

namespace Station.Cli.Tests.Commands;

/// <summary>One <c>station simulate</c> process shared by the command tests: three ESP32s on TCP and ptys, 2MB flash.</summary>
public sealed partial class SimulatorFixture : IAsyncLifetime
{
    private StationProcess? _simulator;

    public string Work { get; } = Repository.TempDirectory();

    public string Dumps => Path.Combine(Work, "dumps");

    public string PtyDirectory => Path.Combine(Work, "pty");

    public List<(string Mac, string Url, string Pty)> Devices { get; } = [];

    public async Task InitializeAsync()
    {
        _simulator = StationProcess.Start(Work, "simulate", "--chip", "esp32", "--count", "3", "--tcp", "127.0.0.1:0", "--pty", PtyDirectory,
            "--flash-size", "2MB", "--dump-dir", Dumps, "--no-pacing");
        await _simulator.WaitForLineAsync("Ready.", TimeSpan.FromSeconds(60));
        foreach (Match m in DeviceLine().Matches(_simulator.Output))
        {
            Devices.Add((m.Groups["mac"].Value, m.Groups["url"].Value, m.Groups["pty"].Value));
        }
    }

    public async Task DisposeAsync()
    {
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }
    }

    [GeneratedRegex(@"device \d+\s+(?<mac>[0-9A-F:]{17})\s+(?<url>socket://\S+)\s+(?<pty>\S+)")]
    private static partial Regex DeviceLine();
}
