using System.Diagnostics;
using System.Text.RegularExpressions;
using Station.Cli.Tests.Support;

namespace Station.Cli.Tests.Demo;

/// <summary><c>station simulate --control</c> as a parent process (the line) drives it: stdin commands, stdout answers.</summary>
public sealed partial class SimulateControlTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _work = Repository.TempDirectory();

    [Fact]
    public async Task Control_SwapDumpAndStdinClosed_AnswersThenStopsCleanly()
    {
        string dumps = Path.Combine(_work, "dumps");
        using var station = Start("simulate", "--count", "2", "--tcp", "127.0.0.1:0", "--flash-size", "1MB", "--no-pacing", "--seed", "5",
            "--dump-dir", dumps, "--control");
        try
        {
            var devices = new List<string>();
            string line;
            while (!(line = await ReadLineAsync(station)).StartsWith("Ready.", StringComparison.Ordinal))
            {
                if (DeviceLine().Match(line) is { Success: true } m)
                {
                    devices.Add(m.Groups["mac"].Value);
                }
            }

            await station.StandardInput.WriteLineAsync("swap 1");
            string swapped = await ReadLineAsync(station);
            await station.StandardInput.WriteLineAsync("dump");
            string dumped = await ReadLineAsync(station);
            await station.StandardInput.WriteLineAsync("swap 9");
            string badSlot = await ReadLineAsync(station);
            await station.StandardInput.WriteLineAsync("reboot");
            string unknown = await ReadLineAsync(station);
            station.StandardInput.Close();
            string stopped = await ReadLineAsync(station);
            using var exit = new CancellationTokenSource(Timeout);
            await station.WaitForExitAsync(exit.Token);

            Assert.Equal(2, devices.Count);
            var match = SwappedLine().Match(swapped);
            Assert.True(match.Success, swapped);
            string newMac = match.Groups["mac"].Value;
            Assert.DoesNotContain(newMac, devices);
            Assert.Equal("dumped 2", dumped);
            Assert.StartsWith("error swap: '9' is not a slot (0..1)", badSlot, StringComparison.Ordinal);
            Assert.StartsWith("error unknown command 'reboot'", unknown, StringComparison.Ordinal);
            Assert.StartsWith("Stopped", stopped, StringComparison.Ordinal);
            Assert.Equal(0, station.ExitCode);
            foreach (string mac in devices.Append(newMac))
            {
                Assert.Equal(1024 * 1024, new FileInfo(Path.Combine(dumps, mac.Replace(':', '-') + ".bin")).Length);
            }
        }
        finally
        {
            if (!station.HasExited)
            {
                station.Kill(entireProcessTree: true);
            }
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    private Process Start(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _work,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(StationProcess.StationDll);
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<string> ReadLineAsync(Process station)
    {
        using var cts = new CancellationTokenSource(Timeout);
        return await station.StandardOutput.ReadLineAsync(cts.Token) ?? throw new InvalidOperationException("station simulate closed its output.");
    }

    [GeneratedRegex(@"^device \d+\s+(?<mac>[0-9A-F:]{17})\s+socket://\S+$")]
    private static partial Regex DeviceLine();

    [GeneratedRegex(@"^swapped 1 (?<mac>[0-9A-F]{2}(:[0-9A-F]{2}){5})$")]
    private static partial Regex SwappedLine();
}
