using Polly;
using Polly.Retry;
using Station.Flashing.Connect;
using Station.Flashing.Device;
using Station.Flashing.Errors;
using Station.Flashing.Events;
using Station.Line.Events;
using Station.Line.Jobs;
using Station.Line.Units;
using Station.Protocol.Chips;
using Station.Traceability;
using Station.Transport.Links;

namespace Station.Line.Slots;

/// <summary>
/// One slot, unit after unit: wait until a unit is there (a board that is not the one just finished),
/// run its attempts, show the operator the verdict, pause after too many failures in a row, and
/// move on — until the job's unit count is reached or the station is asked to stop.
/// </summary>
internal sealed class SlotWorker(LineJob job, SlotState slot, UnitCounter counter, JobTally tally, LineHalt halt)
{
    /// <summary>What a probe of the port (while waiting for it) saw go wrong; the next attempt records it.</summary>
    private FlashError? _seenWhileWaiting;

    public async Task RunAsync(CancellationToken abortUnits)
    {
        var stopNewUnits = halt.StopNewUnits;
        job.Events.On(new SlotStarted(job.Time.GetUtcNow(), slot.Number, slot.Fixture.Port, slot.Fixture.SlotName));
        string? lastMac = null;
        bool first = true;
        try
        {
            while (!stopNewUnits.IsCancellationRequested && !counter.Exhausted)
            {
                if (!slot.Fixture.ReplacesBoards && !await WaitForUnitOrLastClaimAsync(lastMac, first, stopNewUnits).ConfigureAwait(false))
                {
                    break;
                }

                first = false;
                if (!counter.TryClaim(out int unit))
                {
                    break;
                }

                var outcome = await RunUnitAsync(unit, abortUnits).ConfigureAwait(false);
                tally.Count(outcome.Record.Result);
                if (outcome.Record.Result == UnitResult.Pass && job.Operation == LineOperation.Flash)
                {
                    slot.Passed(outcome.Record.Baud);
                }

                lastMac = outcome.Record.Mac;
                if (halt.HaltIfNeeded(ErrorOf(outcome.Record), slot))
                {
                    break;
                }

                await TripBreakerIfNeededAsync(outcome.Record.Result, stopNewUnits).ConfigureAwait(false);
                if (slot.Fixture.ReplacesBoards && !stopNewUnits.IsCancellationRequested && !counter.Exhausted)
                {
                    await slot.Fixture.NextBoardAsync(abortUnits).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stopNewUnits.IsCancellationRequested || abortUnits.IsCancellationRequested)
        {
            // Stopping: nothing is in flight here (units record themselves).
        }

        job.Events.On(new SlotStopped(job.Time.GetUtcNow(), slot.Number, slot.Fixture.Port,
            counter.Exhausted ? "the job's units are done" : halt.Cause is { } cause ? $"the line halted: {cause.Code}" : "the station is stopping"));
    }

    /// <summary>How many times one unit may wait for its port to be released by another program.</summary>
    private const int BusyWaitsPerUnit = 3;

    /// <summary>
    /// Unit attempts (Polly): a failed attempt that another attempt could cure is tried again, each with its own record.
    /// An attempt that found the port held by another program never reached the board: it is recorded, but does not
    /// spend one of the profile's unit attempts.
    /// </summary>
    private async Task<AttemptOutcome> RunUnitAsync(int unit, CancellationToken abort)
    {
        int attempts = Math.Max(1, job.Profile.Retry.UnitAttempts);
        int retries = attempts - 1 + BusyWaitsPerUnit;
        var pipeline = new ResiliencePipelineBuilder<AttemptOutcome> { TimeProvider = job.Time }
            .AddRetryWhen(retries, new RetryStrategyOptions<AttemptOutcome>
            {
                MaxRetryAttempts = retries,
                Delay = TimeSpan.Zero,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { Retryable: true } && !abort.IsCancellationRequested),
                OnRetry = args =>
                {
                    var reason = ErrorOf(args.Outcome.Result!.Record) ?? new FlashError("", "", "");
                    job.Events.On(new UnitRetried(job.Time.GetUtcNow(), slot.Number, slot.Fixture.Port, "unit", args.AttemptNumber + 2, reason, null));
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

        int attempt = 0;
        int spent = 0;
        int busyWaits = 0;
        MacAddress? sameBoard = null;
        return await pipeline.ExecuteAsync(async _ =>
        {
            attempt++;
            var outcome = job.Operation == LineOperation.Qa
                ? await new QaAttempt(job, slot, unit).RunAsync(abort).ConfigureAwait(false)
                : await new UnitAttempt(job, slot, unit, attempt, sameBoard, TakeSeenWhileWaiting()).RunAsync(abort).ConfigureAwait(false);
            bool busy = outcome.Record.ErrorCode == ErrorCodes.PortBusy && outcome.Record.Mac is null;
            spent += busy ? 0 : 1;
            bool left = spent < attempts;
            if (outcome.Unplugged && !abort.IsCancellationRequested)
            {
                // F6: the next attempt is the same board, matched by MAC, flashed again from the start. With no attempt
                // left the port is still awaited, so the next unit does not meet an absent port.
                sameBoard = await WaitForReplugAsync(outcome.Record.Mac, retrying: left, abort).ConfigureAwait(false);
                outcome = outcome with { Retryable = sameBoard is not null && left };
            }
            else if (busy && busyWaits++ < BusyWaitsPerUnit && !abort.IsCancellationRequested)
            {
                // Another program holds the port (a serial monitor, ModemManager probing a new port): never take it; wait for it to let go.
                outcome = outcome with { Retryable = await WaitForPortReleaseAsync(outcome.Record, abort).ConfigureAwait(false) };
            }
            else
            {
                outcome = outcome with { Retryable = outcome.Retryable && left };
            }

            bool willRetry = outcome.Retryable && !abort.IsCancellationRequested;
            job.Events.On(new UnitFinished(job.Time.GetUtcNow(), slot.Number, slot.Fixture.Port, outcome.Record,
                willRetry ? "Leave the board in place: trying it again." : Instruction(outcome.Record)));
            return outcome;
        }, CancellationToken.None).ConfigureAwait(false);
    }

    private static FlashError? ErrorOf(UnitRecord record) =>
        record.ErrorCode is null ? null : new FlashError(record.ErrorCode, record.Cause ?? "", record.Remedy ?? "");

    private async Task TripBreakerIfNeededAsync(UnitResult result, CancellationToken stop)
    {
        slot.ConsecutiveFailures = result == UnitResult.Fail ? slot.ConsecutiveFailures + 1 : result == UnitResult.Pass ? 0 : slot.ConsecutiveFailures;
        int limit = job.Profile.Retry.SlotBreakerFailures;
        if (limit <= 0 || slot.ConsecutiveFailures < limit)
        {
            return;
        }

        var pause = job.Profile.Retry.SlotBreakerPause;
        job.Events.On(new SlotPaused(job.Time.GetUtcNow(), slot.Number, slot.Fixture.Port,
            $"{slot.ConsecutiveFailures} units failed in a row in slot {slot.Number}: check this slot's fixture, cable and power before the next board.", pause));
        slot.ConsecutiveFailures = 0;
        await Task.Delay(pause, job.Time, stop).ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="WaitForUnitAsync"/>, given up when another slot claims the job's last unit meanwhile: a slot
    /// waiting for its next board must not keep the job open once there is nothing left for it to make.
    /// </summary>
    private async Task<bool> WaitForUnitOrLastClaimAsync(string? lastMac, bool first, CancellationToken stopNewUnits)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stopNewUnits, counter.AllClaimed);
        try
        {
            return await WaitForUnitAsync(lastMac, first, waiting.Token).ConfigureAwait(false) && !counter.Exhausted;
        }
        catch (OperationCanceledException) when (counter.Exhausted && !stopNewUnits.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Waits until there is a unit to work on: on the first round, a port that opens; afterwards, a port
    /// that went away and came back, or a board whose MAC differs from the one just finished.
    /// Returns false when the station is stopping.
    /// </summary>
    private async Task<bool> WaitForUnitAsync(string? lastMac, bool first, CancellationToken stop)
    {
        bool sawAbsent = false;
        string? lastInstruction = null;
        while (!stop.IsCancellationRequested)
        {
            string instruction;
            IByteLink? link = null;
            try
            {
                link = await slot.Fixture.OpenAsync(job.Profile.Link.InitialBaud, stop).ConfigureAwait(false);
                if (first || sawAbsent)
                {
                    return true;
                }

                string? mac = await ProbeMacAsync(link, stop).ConfigureAwait(false);
                if (mac is not null && mac != lastMac)
                {
                    return true;
                }

                instruction = lastMac is null
                    ? "Set the failed board aside and insert the next one."
                    : "Take the finished board out and insert the next one.";
            }
            catch (LinkException e) when (e.Failure is LinkFailure.NotFound or LinkFailure.Gone)
            {
                sawAbsent = true;
                instruction = $"Insert a board into slot {slot.Number}.";
            }
            catch (LinkException e)
            {
                instruction = FlashErrors.FromLink(e) is var error ? $"{error.Cause}: {error.Remedy}" : e.Message;
            }
            finally
            {
                if (link is not null)
                {
                    await link.DisposeAsync().ConfigureAwait(false);
                }
            }

            if (instruction != lastInstruction)
            {
                job.Events.On(new SlotWaiting(job.Time.GetUtcNow(), slot.Number, slot.Fixture.Port, instruction));
                lastInstruction = instruction;
            }

            await Task.Delay(job.PollInterval, job.Time, stop).ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>
    /// After the port went away mid-unit: waits (up to the profile's re-plug wait) until it is back and a board
    /// answers. Returns that board's MAC when it is the unit's own board, null when another board answers or
    /// none came back in time (the unit then stays interrupted).
    /// </summary>
    private async Task<MacAddress?> WaitForReplugAsync(string? mac, bool retrying, CancellationToken abort)
    {
        MacAddress? expected = mac is not null && MacAddress.TryParse(mac, out var parsed) ? parsed : null;
        job.Events.On(new SlotWaiting(job.Time.GetUtcNow(), slot.Number, slot.Fixture.Port, retrying && expected is not null
            ? $"The board in slot {slot.Number} went away mid-unit: plug the same board back in; it will be flashed again from the start."
            : $"The board in slot {slot.Number} went away mid-unit and stays unfinished: plug the port back in, and set that board aside for re-flashing."));
        slot.Fixture.Follow(expected);
        try
        {
            return await PollPortAsync<MacAddress?>(async link =>
            {
                string? found = await ProbeMacAsync(link, abort, keepFailure: true).ConfigureAwait(false);
                if (found is not null)
                {
                    return new(true, found == mac ? expected : null);
                }

                // A board never identified needs only its port back; a known one must answer with its MAC.
                return new(expected is null, null);
            }, undecided: null, abort).ConfigureAwait(false);
        }
        finally
        {
            slot.Fixture.Follow(null);
        }
    }

    /// <summary>
    /// After the port was found held by another program: waits (up to the profile's re-plug wait) until the
    /// station can open it and no one else answers in its place. True when it is free again.
    /// </summary>
    private async Task<bool> WaitForPortReleaseAsync(UnitRecord busy, CancellationToken abort)
    {
        job.Events.On(new SlotWaiting(job.Time.GetUtcNow(), slot.Number, slot.Fixture.Port,
            $"{busy.Cause}. Close that program; slot {slot.Number} goes on by itself as soon as the port is free."));
        var options = new ConnectOptions { Attempts = 1, SyncTriesPerAttempt = 1, ResetStrategies = job.ResetStrategies.Count > 0 ? [job.ResetStrategies[0]] : null };
        return await PollPortAsync(async link =>
        {
            try
            {
                await EspDevice.ConnectAsync(link, options, job.Time, NoFlashEvents.Instance, abort).ConfigureAwait(false);
                return new(true, true);
            }
            catch (FlashException e) when (e.Error.Code != ErrorCodes.PortBusy)
            {
                // The port opened and was not taken: whatever else is wrong, the next attempt records it.
                _seenWhileWaiting = e.Error;
                return new(true, true);
            }
            catch (FlashException)
            {
                return new(false, false); // Still held.
            }
        }, undecided: false, abort).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens the slot's port every poll interval, up to the profile's re-plug wait, and asks <paramref name="probe"/>
    /// whether what it finds settles the wait. A port that cannot be opened (still away, still held) keeps it waiting;
    /// running out of time or an aborted unit gives <paramref name="undecided"/>.
    /// </summary>
    private async Task<T> PollPortAsync<T>(Func<IByteLink, Task<PortProbe<T>>> probe, T undecided, CancellationToken abort)
    {
        long started = job.Time.GetTimestamp();
        while (job.Time.GetElapsedTime(started) < job.Profile.Retry.ReplugWait && !abort.IsCancellationRequested)
        {
            try
            {
                await using var link = await slot.Fixture.OpenAsync(job.Profile.Link.InitialBaud, abort).ConfigureAwait(false);
                var seen = await probe(link).ConfigureAwait(false);
                if (seen.Settled)
                {
                    return seen.Value;
                }
            }
            catch (LinkException)
            {
                // Not found, refused, held or gone again: keep waiting.
            }
            catch (OperationCanceledException) when (abort.IsCancellationRequested)
            {
                return undecided;
            }

            try
            {
                await Task.Delay(job.PollInterval, job.Time, abort).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return undecided;
            }
        }

        return undecided;
    }

    /// <summary>What one look at the port while waiting found: whether it settles the wait, and with what.</summary>
    private readonly record struct PortProbe<T>(bool Settled, T Value);

    /// <summary>Whether a board answers on the port, and which: one quick connect and identify, nothing written.</summary>
    /// <param name="keepFailure">True when the board probed is the unit's own (after a re-plug): a failure is kept for its next attempt's record.</param>
    private async Task<string?> ProbeMacAsync(IByteLink link, CancellationToken stop, bool keepFailure = false)
    {
        try
        {
            var options = new ConnectOptions
            {
                Attempts = 1,
                SyncTriesPerAttempt = 2,
                ResetStrategies = slot.ResetStrategies(job) is { Count: > 0 } strategies ? [strategies[0]] : null,
            };
            var device = await EspDevice.ConnectAsync(link, options, job.Time, NoFlashEvents.Instance, stop).ConfigureAwait(false);
            return device.Identity.Mac.ToString();
        }
        catch (FlashException e)
        {
            _seenWhileWaiting = keepFailure ? e.Error : _seenWhileWaiting;
            return null;
        }
    }

    private FlashError? TakeSeenWhileWaiting()
    {
        var seen = _seenWhileWaiting;
        _seenWhileWaiting = null;
        return seen;
    }

    private string Instruction(UnitRecord record) => record.Result switch
    {
        UnitResult.Pass when job.Operation == LineOperation.Qa => "QA PASS: the unit holds what was recorded; take it out and insert the next one.",
        UnitResult.Pass => "PASS: take the board out and insert the next one.",
        UnitResult.Interrupted => "INTERRUPTED: this board was not finished; flash it again.",
        _ => $"FAIL ({record.ErrorCode}): {record.Remedy} Set the board aside.",
    };
}
