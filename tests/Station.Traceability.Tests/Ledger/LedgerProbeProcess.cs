using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Station.Traceability.Tests.Ledger;

/// <summary>One unit the probe finished: every ledger write for it had returned before the line was printed.</summary>
public sealed record ProbeUnit(int Index, string Mac, long Seq, string Serial, int? Row, bool Existing);

/// <summary>
/// A second station process (tests/Station.Traceability.LedgerProbe) allocating serials in a loop, whose
/// printed units the test collects as they come; it can be killed with SIGKILL at any instant.
/// </summary>
public sealed class LedgerProbeProcess : IAsyncDisposable
{
    public const string Product = "PROBE";

    private readonly Process process;
    private readonly List<ProbeUnit> units = [];
    private readonly StringBuilder errors = new();
    private readonly Task reading;
    private readonly object gate = new();
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool ended;
    private bool done;

    private LedgerProbeProcess(Process process)
    {
        this.process = process;

        // Dedicated threads reading the pipes: blocked pool threads would starve the test host's thread
        // pool, and lines would then reach the test in bursts, long after the probe printed them.
        reading = Task.Factory.StartNew(ReadOutput, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        _ = Task.Factory.StartNew(ReadErrors, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public IReadOnlyList<ProbeUnit> Units
    {
        get
        {
            lock (gate)
            {
                return [.. units];
            }
        }
    }

    /// <summary>True once the probe printed DONE (it finished every unit).</summary>
    public bool Done
    {
        get
        {
            lock (gate)
            {
                return done;
            }
        }
    }

    public string Errors
    {
        get
        {
            lock (errors)
            {
                return errors.ToString();
            }
        }
    }

    public static LedgerProbeProcess Start(string ledger, string reports, string station, int first, int count, int parallel, int masterRows)
    {
        string probe = Path.Combine(AppContext.BaseDirectory, "Station.Traceability.LedgerProbe.dll");
        var start = new ProcessStartInfo(DotNet())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (string argument in (string[])[probe, $"ledger={ledger}", $"reports={reports}", $"product={Product}", $"station={station}", $"first={first}", $"count={count}", $"parallel={parallel}", $"master-rows={masterRows}"])
        {
            start.ArgumentList.Add(argument);
        }

        return new LedgerProbeProcess(Process.Start(start) ?? throw new InvalidOperationException("Could not start the ledger probe."));
    }

    /// <summary>Waits until the probe has printed at least <paramref name="count"/> units; fails if it ends first.</summary>
    public async Task WaitForUnitsAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task next;
            lock (gate)
            {
                if (units.Count >= count)
                {
                    return;
                }

                if (ended)
                {
                    throw new InvalidOperationException($"The probe ended after {units.Count} units, before {count}: {Errors}");
                }

                next = changed.Task;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    /// <summary>SIGKILL: the process dies wherever it is, as in a power cut of the station PC (minus the disk cache).</summary>
    public void Kill() => process.Kill(entireProcessTree: true);

    /// <summary>Waits for the process to end and all its output to be read; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await process.WaitForExitAsync(cancellationToken);
        await reading.WaitAsync(cancellationToken);
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        await reading;
        process.Dispose();
    }

    private static string DotNet() =>
        Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path
        : "dotnet";

    private void ReadErrors()
    {
        while (process.StandardError.ReadLine() is { } line)
        {
            lock (errors)
            {
                errors.AppendLine(line);
            }
        }
    }

    private void ReadOutput()
    {
        while (process.StandardOutput.ReadLine() is { } line)
        {
            // A line cut short by SIGKILL lacks its closing " ." and is not a finished unit.
            string[] fields = line.Split(' ');
            lock (gate)
            {
                if (fields is ["UNIT", var index, var mac, var seq, var serial, var row, var fresh, "."])
                {
                    units.Add(new ProbeUnit(
                        int.Parse(index, CultureInfo.InvariantCulture),
                        mac,
                        long.Parse(seq, CultureInfo.InvariantCulture),
                        serial,
                        row == "-" ? null : int.Parse(row, CultureInfo.InvariantCulture),
                        fresh == "existing"));
                }
                else if (line == "DONE")
                {
                    done = true;
                }

                Pulse();
            }
        }

        lock (gate)
        {
            ended = true;
            Pulse();
        }
    }

    private void Pulse()
    {
        var previous = changed;
        changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.SetResult();
    }
}
