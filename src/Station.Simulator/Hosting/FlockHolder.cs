using System.Diagnostics;
using System.Globalization;

namespace Station.Simulator.Hosting;

/// <summary>
/// Another program holding a port (the <c>busy</c> fault on pseudo-terminals): a <c>flock(1)</c> child that
/// takes the exclusive lock on the tty and keeps it for a while. A real process, so a client's open fails
/// the way it does on a line (the station's exclusive open gets EWOULDBLOCK from flock and can name the
/// holder from /proc), and a separate process because .NET cannot open a tty without making it a
/// possible controlling terminal. Only the simulator's own children are ever killed.
/// </summary>
internal sealed class FlockHolder : IAsyncDisposable
{
    private const string Program = "flock";
    private readonly Process _process;

    private FlockHolder(Process process)
    {
        _process = process;
    }

    /// <summary>True when flock(1) (util-linux) is on the PATH.</summary>
    public static bool Available =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, Program)));

    public int ProcessId => _process.Id;

    /// <summary>Starts holding <paramref name="path"/> for <paramref name="duration"/>; returns once the lock is taken.</summary>
    public static async Task<FlockHolder> HoldAsync(string path, TimeSpan duration, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string seconds = duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        foreach (string argument in new[] { "--exclusive", "--nonblock", path, "--command", $"echo held; exec sleep {seconds}" })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {Program} to hold {path}.");
        var holder = new FlockHolder(process);
        try
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(TimeSpan.FromSeconds(10));
            string? line = await process.StandardOutput.ReadLineAsync(wait.Token).ConfigureAwait(false);
            if (line != "held")
            {
                string error = await process.StandardError.ReadToEndAsync(wait.Token).ConfigureAwait(false);
                throw new InvalidOperationException($"{Program} could not lock {path}: {error.Trim()}");
            }

            return holder;
        }
        catch
        {
            await holder.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Ends the hold now if it has not ended by itself.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }
}
