using System.Diagnostics;
using System.Text;

namespace Station.Cli.Tests.Support;

/// <summary>Runs the built <c>station</c> command as a separate process, as a user would.</summary>
internal sealed class StationProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource<string>? _waitingFor;
    private string? _pattern;

    private StationProcess(Process process)
    {
        _process = process;
    }

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_gate)
            {
                return _error.ToString();
            }
        }
    }

    public int Id => _process.Id;

    public static string StationDll => Path.Combine(AppContext.BaseDirectory, "station.dll");

    public static StationProcess Start(string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(StationDll);
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        var process = new Process { StartInfo = info };
        var station = new StationProcess(process);
        process.OutputDataReceived += (_, e) => station.Append(e.Data, error: false);
        process.ErrorDataReceived += (_, e) => station.Append(e.Data, error: true);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return station;
    }

    /// <summary>Runs to completion and returns the exit code.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        await using var station = Start(workingDirectory, arguments);
        int code = await station.WaitForExitAsync(timeout);
        return (code, station.Output, station.Error);
    }

    /// <summary>Waits until a stdout line contains <paramref name="text"/> and returns that line.</summary>
    public Task<string> WaitForLineAsync(string text, TimeSpan timeout)
    {
        lock (_gate)
        {
            foreach (string line in _output.ToString().Split('\n'))
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    return Task.FromResult(line.TrimEnd('\r'));
                }
            }

            _pattern = text;
            _waitingFor = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _waitingFor.Task.WaitAsync(timeout);
        }
    }

    /// <summary>Sends a POSIX signal (e.g. "INT", "USR1").</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line, bool error)
    {
        if (line is null)
        {
            return;
        }

        TaskCompletionSource<string>? wake = null;
        lock (_gate)
        {
            (error ? _error : _output).AppendLine(line);
            if (!error && _pattern is not null && line.Contains(_pattern, StringComparison.Ordinal))
            {
                wake = _waitingFor;
                _pattern = null;
                _waitingFor = null;
            }
        }

        wake?.TrySetResult(line);
    }
}
