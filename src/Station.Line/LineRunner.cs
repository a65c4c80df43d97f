using Station.Line.Events;
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
        var workers = job.Slots
            .Select((fixture, i) => new SlotWorker(job, new SlotState(i + 1, fixture, job.BaudMemory), counter, tally, halt))
            .Select(worker => Task.Run(() => worker.RunAsync(abortUnits), CancellationToken.None))
            .ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        tally.HaltedBy = halt.Cause;
        job.Events.On(new JobFinished(job.Time.GetUtcNow(), tally.Units, tally.Passed, tally.Failed, tally.Interrupted, job.Time.GetElapsedTime(started)));
        return tally;
    }
}
