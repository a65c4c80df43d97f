using Station.Line.Events;
using Station.Line.Fixtures;
using Station.Line.Jobs;
using Station.Line.Slots;

namespace Station.Line;

/// <summary>Runs a job: one worker per slot, all in parallel, until the units are done, the station stops or the line halts.</summary>
public static class LineRunner
{
    /// <summary>
    /// Runs <paramref name="job"/>. <paramref name="stopNewUnits"/> (first Ctrl+C) lets units in flight
    /// finish and starts no new ones; <paramref name="abortUnits"/> (second Ctrl+C) stops units in flight,
    /// which are recorded as interrupted.
    /// </summary>
    public static async Task<JobTally> RunAsync(LineJob job, CancellationToken stopNewUnits, CancellationToken abortUnits)
    {
        long started = job.Time.GetTimestamp();
        var counter = new UnitCounter(job.Units);
        var tally = new JobTally();
        using var halt = new LineHalt(job, stopNewUnits);
        var workers = new List<Task>();
        void Start(ISlotFixture fixture)
        {
            var worker = new SlotWorker(job, new SlotState(workers.Count + 1, fixture, job.BaudMemory), counter, tally, halt);
            workers.Add(Task.Run(() => worker.RunAsync(abortUnits), CancellationToken.None));
        }

        foreach (var fixture in job.Slots)
        {
            Start(fixture);
        }

        if (job.SlotSource is { } source)
        {
            await WatchAsync(source, Start, counter, halt.StopNewUnits).ConfigureAwait(false);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        tally.HaltedBy = halt.Cause;
        job.Events.On(new JobFinished(job.Time.GetUtcNow(), tally.Units, tally.Passed, tally.Failed, tally.Interrupted, job.Time.GetElapsedTime(started)));
        return tally;
    }

    /// <summary>Starts a worker for every slot that appears, until every unit is claimed or no new units may start.</summary>
    private static async Task WatchAsync(ISlotSource source, Action<ISlotFixture> start, UnitCounter counter, CancellationToken stopNewUnits)
    {
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(stopNewUnits, counter.AllClaimed);
        try
        {
            await foreach (var fixture in source.AppearingAsync(watching.Token).ConfigureAwait(false))
            {
                if (watching.IsCancellationRequested)
                {
                    break;
                }

                start(fixture);
            }
        }
        catch (OperationCanceledException) when (watching.IsCancellationRequested)
        {
            // Every unit is claimed, or the station is stopping: no new slot can help.
        }
    }
}
