using System.Text.RegularExpressions;
using Station.Flashing.Device;
using Station.Flashing.Errors;
using Station.Flashing.Write;
using Station.Line.Events;
using Station.Line.Jobs;
using Station.Line.Slots;
using Station.Profiles;
using Station.Protocol.Chips;
using Station.Traceability;

namespace Station.Line.Units;

/// <summary>The record of one attempt and whether another attempt could help.</summary>
internal sealed record AttemptOutcome(UnitRecord Record, bool Retryable);

/// <summary>
/// One attempt at one unit: connect and identify, write and verify every region (a failed region is
/// written again after reconnecting one rung down the baud ladder), restart into the app, check its
/// boot log, and write the record durably. Never PASSes a unit whose every region did not verify.
/// </summary>
internal sealed class UnitAttempt(LineJob job, SlotState slot, int unit, int attempt)
{
    private readonly UnitRecorder _recorder = new(slot.Number, slot.Fixture.Port, job.Events, job.Time);
    private readonly Dictionary<int, RegionRecord> _regions = [];
    private UnitSession? _session;
    private MacAddress? _mac;
    private string? _flashId;
    private string? _flashSize;
    private BootCheckRecord? _bootCheck;

    public async Task<AttemptOutcome> RunAsync(CancellationToken abort)
    {
        var started = job.Time.GetUtcNow();
        job.Events.On(new UnitStarted(started, slot.Number, slot.Fixture.Port, unit, attempt));
        UnitResult result;
        FlashError? error = null;
        try
        {
            await FlashAsync(abort).ConfigureAwait(false);
            result = UnitResult.Pass;
        }
        catch (FlashException e)
        {
            result = UnitResult.Fail;
            error = e.Error;
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            result = UnitResult.Interrupted;
            error = LineErrors.Interrupted(_recorder.CurrentStep);
        }
        finally
        {
            if (_session is not null)
            {
                await _session.DisposeAsync().ConfigureAwait(false);
            }
        }

        // Never PASS unless every region verified (the ESP8266 ROM cannot verify: that is a failure on a line).
        if (result == UnitResult.Pass && (_regions.Count != job.Plan.Regions.Count || _regions.Values.Any(r => !r.Verified)))
        {
            result = UnitResult.Fail;
            error = LineErrors.NotVerified();
        }

        var record = BuildRecord(started, result, error);
        await job.Records.WriteAsync(record, CancellationToken.None).ConfigureAwait(false);
        return new AttemptOutcome(record, result == UnitResult.Fail && error is { Permanent: false });
    }

    private async Task FlashAsync(CancellationToken cancellationToken)
    {
        var profile = job.Profile;
        var timeouts = profile.Retry.Timeouts;
        var steps = LinePolicies.StepTimeout(job.Time);
        var regionPolicy = LinePolicies.Region(profile.Retry, job.Time, async (reason, nextAttempt) =>
        {
            if (_session is not null)
            {
                await _session.DisposeAsync().ConfigureAwait(false);
                _session = null;
            }

            slot.StepDown(profile.Link.BaudLadder);
            _recorder.Retry("region", nextAttempt, reason, slot.CurrentBaud(profile.Link.BaudLadder));
        });

        foreach (var region in job.Plan.Regions)
        {
            await regionPolicy.ExecuteAsync(async ct =>
            {
                _session ??= await OpenSessionAsync(steps, ct).ConfigureAwait(false);
                var device = _session.Device;
                long bytes = region.Data.Length;
                await steps.WithinAsync("write", StepTimeouts.Scaled(timeouts.WriteBase, timeouts.WritePerMegabyte, bytes),
                    async t => { await device.WriteRegionAsync(region, compress: true, t, profile.Retry.BlockRetries).ConfigureAwait(false); return true; }, ct).ConfigureAwait(false);
                _regions[region.Index] = Region(region, actualMd5: null, written: true, verified: false);
                try
                {
                    bool verified = await steps.WithinAsync("verify", StepTimeouts.Scaled(timeouts.VerifyBase, timeouts.VerifyPerMegabyte, bytes),
                        t => device.VerifyRegionAsync(region, t), ct).ConfigureAwait(false);
                    _regions[region.Index] = Region(region, verified ? region.Md5 : null, written: true, verified);
                }
                catch (FlashException e) when (e.Error.Code == ErrorCodes.VerifyMd5Mismatch)
                {
                    _regions[region.Index] = Region(region, e.Error.Details.GetValueOrDefault("actual_md5"), written: true, verified: false);
                    throw;
                }
            }, cancellationToken).ConfigureAwait(false);
        }

        await RestartAsync(steps, cancellationToken).ConfigureAwait(false);
        if (profile.BootCheck is { } check && profile.After == AfterFlash.RunApp)
        {
            await CheckBootAsync(check, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<UnitSession> OpenSessionAsync(Polly.ResiliencePipeline steps, CancellationToken cancellationToken)
    {
        var session = await UnitSession.OpenAsync(job, slot, _recorder, _mac, steps, cancellationToken).ConfigureAwait(false);
        _mac ??= session.Device.Identity.Mac;
        _flashId = $"0x{session.FlashId.Raw:X6}";
        _flashSize = FlashCodes.SizeName(session.FlashSize);
        return session;
    }

    /// <summary>Runs the app: a hard reset where the link has modem lines, otherwise the loader restarts the chip.</summary>
    private async Task RestartAsync(Polly.ResiliencePipeline steps, CancellationToken cancellationToken)
    {
        var device = _session!.Device;
        var action = job.Profile.After switch
        {
            AfterFlash.RunApp when device.Link.Capabilities.ModemLines => AfterAction.HardReset,
            AfterFlash.RunApp => AfterAction.SoftReset,
            _ => AfterAction.None,
        };
        await steps.WithinAsync("reset", job.Profile.Retry.Timeouts.Reset, async ct => { await device.ResetAsync(action, ct).ConfigureAwait(false); return true; }, cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task CheckBootAsync(BootCheck check, CancellationToken cancellationToken)
    {
        _recorder.Enter("boot_check");
        long started = job.Time.GetTimestamp();
        var pattern = new Regex(check.Pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        var result = await _session!.Device.ReadAppLogAsync(pattern, check.Baud, check.Within, cancellationToken).ConfigureAwait(false);
        _recorder.Time("boot_check", job.Time.GetElapsedTime(started));
        _bootCheck = new BootCheckRecord(check.Pattern, result.Matched, result.MatchedLine, result.Tail);
        _recorder.Note("boot_check", result.Matched ? $"matched: {result.MatchedLine}" : $"'{check.Pattern}' not seen within {check.Within.TotalSeconds:0.#} s");
        if (!result.Matched)
        {
            throw new FlashException(LineErrors.BootCheckFailed(check.Pattern, check.Within));
        }
    }

    private RegionRecord Region(PreparedRegion region, string? actualMd5, bool written, bool verified) =>
        new(region.Name, region.Address, region.Data.Length, job.ImageSha256[region.Index], region.Md5, actualMd5, written, verified);

    private UnitRecord BuildRecord(DateTimeOffset started, UnitResult result, FlashError? error)
    {
        var identity = _recorder.Identity;
        var regions = job.Plan.Regions
            .Select(r => _regions.TryGetValue(r.Index, out var done) ? done : Region(r, null, written: false, verified: false))
            .ToList();
        return new UnitRecord
        {
            RecordId = Guid.NewGuid().ToString("N"),
            Batch = job.Identity.Batch,
            StationId = job.Identity.StationId,
            Operator = job.Identity.Operator,
            Slot = slot.Number,
            Port = slot.Fixture.Port,
            UnitNumber = unit,
            Attempt = attempt,
            Started = started,
            Ended = job.Time.GetUtcNow(),
            Mac = identity?.Mac.ToString(),
            Chip = identity?.Description,
            ChipRevision = identity?.Revision,
            FlashId = _flashId,
            FlashSize = _flashSize,
            ProfileName = job.Profile.Name,
            ProfileVersion = job.Profile.Version,
            ProfileSha256 = job.Profile.Sha256,
            Regions = regions,
            Baud = _recorder.Baud,
            Retries = _recorder.Retries,
            Result = result,
            ErrorCode = error?.Code,
            Cause = error?.Cause,
            Remedy = error?.Remedy,
            StepSeconds = _recorder.StepSeconds,
            BootCheck = _bootCheck,
            Events = _recorder.Events,
        };
    }
}
