using System.Text.RegularExpressions;
using Station.Flashing.Device;
using Station.Flashing.Errors;
using Station.Flashing.Write;
using Station.Line.DeviceData;
using Station.Line.Events;
using Station.Line.Jobs;
using Station.Line.Slots;
using Station.Profiles;
using Station.Protocol.Chips;
using Station.Traceability;

namespace Station.Line.Units;

/// <summary>The record of one attempt, whether another attempt could help, and whether the port went away mid-unit.</summary>
internal sealed record AttemptOutcome(UnitRecord Record, bool Retryable, bool Unplugged = false);

/// <summary>
/// One attempt at one unit: connect and identify, write and verify every region (a failed region is
/// written again after reconnecting one rung down the baud ladder), restart into the app, check its
/// boot log, and write the record durably. Never PASSes a unit whose every region did not verify.
/// </summary>
/// <param name="expectedMac">The board an earlier attempt at this unit met (after a re-plug), or null for a new unit.</param>
/// <param name="seenWhileWaiting">What went wrong when the slot probed the port before this attempt (kept in its record).</param>
internal sealed class UnitAttempt(LineJob job, SlotState slot, int unit, int attempt, MacAddress? expectedMac = null, FlashError? seenWhileWaiting = null)
{
    private readonly UnitRecorder _recorder = new(slot.Number, slot.Fixture.Port, job.Events, job.Time);
    private readonly Dictionary<int, RegionRecord> _regions = [];
    private UnitSession? _session;
    private MacAddress? _mac = expectedMac;
    private string? _flashId;
    private string? _flashSize;
    private BootCheckRecord? _bootCheck;
    private UnitData? _unitData;
    private EfuseRecord? _efuse;
    private int _ramUploadFailures;

    public async Task<AttemptOutcome> RunAsync(CancellationToken abort)
    {
        var started = job.Time.GetUtcNow();
        job.Events.On(new UnitStarted(started, slot.Number, slot.Fixture.Port, unit, attempt));
        if (seenWhileWaiting is { } seen)
        {
            _recorder.Note("probe", $"while the slot waited for its port: {seen.Cause}", seen.Code);
        }

        UnitResult result;
        FlashError? error = null;
        try
        {
            await FlashAsync(abort).ConfigureAwait(false);
            result = UnitResult.Pass;
        }
        catch (FlashException e) when (e.Error.Code == ErrorCodes.PortGone)
        {
            result = UnitResult.Interrupted;
            error = LineErrors.Unplugged(e.Error, _recorder.CurrentStep, _recorder.WriteInProgress, _regions.Values.Count(r => r.Verified), Regions.Count);
        }
        catch (FlashException e)
        {
            result = UnitResult.Fail;
            error = e.Error;
            if (e.Error.Details.Count > 0)
            {
                // The facts behind the verdict (expected/actual digests, eFuse words) belong in the record.
                _recorder.Note("error.details", string.Join("; ", e.Error.Details.Select(d => $"{d.Key}={d.Value}")), e.Error.Code);
            }
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
        if (result == UnitResult.Pass && (_regions.Count != Regions.Count || _regions.Values.Any(r => !r.Verified)))
        {
            result = UnitResult.Fail;
            error = LineErrors.NotVerified();
        }

        string recordId = Guid.NewGuid().ToString("N");
        (result, error) = await RecordInLedgerAsync(recordId, result, error).ConfigureAwait(false);
        var record = BuildRecord(recordId, started, result, error);
        await job.Records.WriteAsync(record, CancellationToken.None).ConfigureAwait(false);
        bool unplugged = error?.Code == ErrorCodes.PortGone;
        return new AttemptOutcome(record, unplugged || (result == UnitResult.Fail && error is { Permanent: false }), unplugged);
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

            if (reason.Code == ErrorCodes.RamUploadCorrupt)
            {
                _ramUploadFailures++;
            }

            slot.StepDown(profile.Link.BaudLadder);
            _recorder.Retry("region", nextAttempt, reason, slot.CurrentBaud(profile.Link.BaudLadder));
        });

        // Identify first: the unit's per-device data (serial, NVS image) needs its MAC.
        await regionPolicy.ExecuteAsync(async ct => { _session ??= await OpenSessionAsync(steps, ct).ConfigureAwait(false); }, cancellationToken).ConfigureAwait(false);
        if (job.DeviceData is { } data)
        {
            _recorder.Enter("device_data");
            _unitData = await UnitDataBuilder.BuildAsync(job, data, _mac!.Value, job.Plan.Regions.Count, cancellationToken).ConfigureAwait(false);
            if (_unitData.NvsRegion is { } nvs && nvs.Address + _unitData.NvsSize > _session!.FlashSize)
            {
                throw new FlashException(FlashErrors.ImageTooLarge("the NVS partition", nvs.Address, _unitData.NvsSize, _session.FlashSize));
            }
        }

        foreach (var region in Regions)
        {
            await regionPolicy.ExecuteAsync(async ct =>
            {
                _session ??= await OpenSessionAsync(steps, ct).ConfigureAwait(false);
                var device = _session.Device;
                long bytes = region.Data.Length;
                if (profile.SkipMatchingRegions && await steps.WithinAsync("verify", StepTimeouts.Scaled(timeouts.VerifyBase, timeouts.VerifyPerMegabyte, bytes),
                        t => device.HoldsRegionAsync(region, t), ct).ConfigureAwait(false))
                {
                    // The unit holds the region already: that MD5 comparison is its verification.
                    _regions[region.Index] = Region(region, region.Md5, written: false, verified: true);
                    return;
                }

                await steps.WithinAsync("write", StepTimeouts.Scaled(timeouts.WriteBase, timeouts.WritePerMegabyte, bytes),
                    async t =>
                    {
                        await device.WriteRegionAsync(region, compress: true, t, profile.Retry.BlockRetries, skipErased: profile.SkipMatchingRegions).ConfigureAwait(false);
                        return true;
                    }, ct).ConfigureAwait(false);
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

        if (job.DeviceData?.Settings.Efuse is { } efuse)
        {
            // Only now: every region, the per-device one included, has verified.
            _recorder.Enter("efuse");
            long started = job.Time.GetTimestamp();
            _efuse = await EfuseStep.RunAsync(_session!.Device, efuse, _unitData!.Template, job.Time, cancellationToken).ConfigureAwait(false);
            _recorder.Time("efuse", job.Time.GetElapsedTime(started));
            _recorder.Note("efuse", $"BLOCK3 {_efuse.Action}: {string.Join(' ', _efuse.WordsBefore)} → {string.Join(' ', _efuse.WordsAfter)}");
        }

        await RestartAsync(steps, cancellationToken).ConfigureAwait(false);
        if (profile.BootCheck is { } check && profile.After == AfterFlash.RunApp)
        {
            await CheckBootAsync(check, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<UnitSession> OpenSessionAsync(Polly.ResiliencePipeline steps, CancellationToken cancellationToken)
    {
        var session = await UnitSession.OpenAsync(job, slot, _recorder, _mac, steps, cancellationToken, RamUploadPlan.After(_ramUploadFailures)).ConfigureAwait(false);
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
        if (action == AfterAction.HardReset && job.Profile.BootCheck is { } check && device.Link.Baud != check.Baud)
        {
            // The ROM prints its banner the moment EN rises: be listening at the console baud by then.
            await device.Link.SetBaudAsync(check.Baud, cancellationToken).ConfigureAwait(false);
        }

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

    /// <summary>The job's regions, then the unit's own NVS partition when it has one.</summary>
    private IReadOnlyList<PreparedRegion> Regions =>
        _unitData?.NvsRegion is { } nvs ? [.. job.Plan.Regions, nvs] : job.Plan.Regions;

    private RegionRecord Region(PreparedRegion region, string? actualMd5, bool written, bool verified) =>
        new(region.Name, region.Address, region.Data.Length,
            region.Index < job.ImageSha256.Count ? job.ImageSha256[region.Index] : _unitData!.NvsSha256!, region.Md5, actualMd5, written, verified);

    /// <summary>
    /// Keeps the ledger's view of the unit in step with its record: the outcome (and the unit's data, for QA)
    /// is stored before the record is written. A unit whose outcome the ledger cannot take is not passed.
    /// </summary>
    private async Task<(UnitResult, FlashError?)> RecordInLedgerAsync(string recordId, UnitResult result, FlashError? error)
    {
        if (job.DeviceData is not { } data || data.Settings.Serial is not { } serial || _unitData?.Serial is null || _mac is not { } mac)
        {
            return (result, error);
        }

        try
        {
            await data.Ledger.RecordOutcomeAsync(
                new Traceability.Ledger.UnitOutcome(serial.Product, mac.ToString(), result, recordId, job.Identity.StationId, job.Time.GetUtcNow(),
                    result == UnitResult.Pass ? _unitData.ToLedger(_efuse) : null),
                CancellationToken.None).ConfigureAwait(false);
            return (result, error);
        }
        catch (Exception e) when (e is Traceability.Ledger.LedgerException or System.Data.Common.DbException)
        {
            _recorder.Note("ledger", $"the outcome could not be stored: {e.Message}", LineErrors.LedgerCode);
            return result == UnitResult.Pass ? (UnitResult.Fail, LineErrors.Ledger($"the outcome could not be stored: {e.Message}", permanent: false)) : (result, error);
        }
    }

    private UnitRecord BuildRecord(string recordId, DateTimeOffset started, UnitResult result, FlashError? error)
    {
        var identity = _recorder.Identity;
        var regions = Regions
            .Select(r => _regions.TryGetValue(r.Index, out var done) ? done : Region(r, null, written: false, verified: false))
            .ToList();
        return new UnitRecord
        {
            RecordId = recordId,
            Batch = job.Identity.Batch,
            StationId = job.Identity.StationId,
            Operator = job.Identity.Operator,
            Slot = slot.Number,
            Port = slot.Fixture.Port,
            SlotName = slot.Fixture.SlotName,
            Usb = slot.Fixture.PortInfo?.UsbSummary,
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
            DeviceData = _unitData?.ToRecord(_efuse),
            Events = _recorder.Events,
        };
    }
}
