using Station.Flashing.Device;
using Station.Flashing.Errors;
using Station.Line.Events;
using Station.Line.Jobs;
using Station.Line.Slots;
using Station.Profiles;
using Station.Traceability;
using Station.Traceability.Ledger;

namespace Station.Line.Units;

/// <summary>
/// QA re-verification of one unit, writing nothing to it: identify it, compare the MD5 of every region
/// with the job's images and — for its own NVS partition — with the image recorded for its MAC in the
/// ledger, then restart it into its app. The record says PASS/FAIL per region, who and when.
/// </summary>
internal sealed class QaAttempt(LineJob job, SlotState slot, int unit)
{
    private readonly UnitRecorder _recorder = new(slot.Number, slot.Fixture.Port, job.Events, job.Time);
    private readonly List<RegionRecord> _regions = [];
    private UnitSession? _session;

    public async Task<AttemptOutcome> RunAsync(CancellationToken abort)
    {
        var started = job.Time.GetUtcNow();
        job.Events.On(new UnitStarted(started, slot.Number, slot.Fixture.Port, unit, 1));
        UnitResult result;
        FlashError? error = null;
        try
        {
            await CheckAsync(abort).ConfigureAwait(false);
            var failed = _regions.FirstOrDefault(r => !r.Verified);
            result = failed is null ? UnitResult.Pass : UnitResult.Fail;
            error = failed is null ? null : Mismatch(failed);
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

        var record = Record(started, result, error);
        await job.Records.WriteAsync(record, CancellationToken.None).ConfigureAwait(false);
        return new AttemptOutcome(record, Retryable: false);
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        var steps = LinePolicies.StepTimeout(job.Time);
        _session = await UnitSession.OpenAsync(job, slot, _recorder, expectedMac: null, steps, cancellationToken).ConfigureAwait(false);
        var device = _session.Device;
        var timeouts = job.Profile.Retry.Timeouts;
        foreach (var region in job.Plan.Regions)
        {
            string actual = await steps.WithinAsync("verify", StepTimeouts.Scaled(timeouts.VerifyBase, timeouts.VerifyPerMegabyte, region.Data.Length),
                t => device.ComputeMd5Async(region.Address, (uint)region.Data.Length, t), cancellationToken).ConfigureAwait(false);
            _regions.Add(new RegionRecord(region.Name, region.Address, region.Data.Length, job.ImageSha256[region.Index], region.Md5, actual,
                Written: false, Verified: actual == region.Md5));
        }

        if (job.DeviceData is { Settings.Serial: { } serial, Settings.Nvs: not null } data)
        {
            await CheckNvsAsync(device, data.Ledger, serial.Product, steps, cancellationToken).ConfigureAwait(false);
        }

        var action = job.Profile.After == AfterFlash.RunApp
            ? device.Link.Capabilities.ModemLines ? AfterAction.HardReset : AfterAction.SoftReset
            : AfterAction.None;
        await steps.WithinAsync("reset", timeouts.Reset, async t => { await device.ResetAsync(action, t).ConfigureAwait(false); return true; }, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The unit's own NVS partition is checked against what the ledger recorded for its MAC.</summary>
    private async Task CheckNvsAsync(EspDevice device, ISerialLedger ledger, string product, Polly.ResiliencePipeline steps, CancellationToken cancellationToken)
    {
        string mac = device.Identity.Mac.ToString();
        var recorded = await ledger.FindDeviceDataAsync(product, mac, cancellationToken).ConfigureAwait(false);
        if (recorded is null)
        {
            _recorder.Note("qa", $"the ledger holds no per-device data for {mac} (product {product}): never passed on a line");
            _regions.Add(new RegionRecord("nvs", job.DeviceData!.Settings.Nvs!.Offset, (int)job.DeviceData.Settings.Nvs.Size, "", "", null, Written: false, Verified: false));
            return;
        }

        string actual = await steps.WithinAsync("verify", job.Profile.Retry.Timeouts.VerifyBase,
            t => device.ComputeMd5Async(recorded.NvsOffset, recorded.NvsSize, t), cancellationToken).ConfigureAwait(false);
        bool intact = recorded.IsIntact;
        if (!intact)
        {
            _recorder.Note("qa", "the ledger's copy of the NVS image no longer matches its own digests");
        }

        _regions.Add(new RegionRecord("nvs", recorded.NvsOffset, (int)recorded.NvsSize, recorded.NvsSha256, recorded.NvsMd5, actual,
            Written: false, Verified: intact && actual == recorded.NvsMd5));
    }

    private static FlashError Mismatch(RegionRecord region) =>
        region.ExpectedMd5.Length == 0
            ? LineErrors.QaNoRecord(region.Name)
            : FlashErrors.Md5Mismatch(region.Address, region.ExpectedMd5, region.ActualMd5 ?? "");

    private UnitRecord Record(DateTimeOffset started, UnitResult result, FlashError? error)
    {
        var identity = _recorder.Identity;
        return new UnitRecord
        {
            RecordId = Guid.NewGuid().ToString("N"),
            Batch = job.Identity.Batch,
            StationId = job.Identity.StationId,
            Operator = job.Identity.Operator,
            Slot = slot.Number,
            Port = slot.Fixture.Port,
            SlotName = slot.Fixture.SlotName,
            Usb = slot.Fixture.PortInfo?.UsbSummary,
            UnitNumber = unit,
            Attempt = 1,
            Started = started,
            Ended = job.Time.GetUtcNow(),
            Mac = identity?.Mac.ToString(),
            Chip = identity?.Description,
            ChipRevision = identity?.Revision,
            FlashId = _session is { } s ? $"0x{s.FlashId.Raw:X6}" : null,
            FlashSize = _session is { } t ? Protocol.Chips.FlashCodes.SizeName(t.FlashSize) : null,
            ProfileName = job.Profile.Name,
            ProfileVersion = job.Profile.Version,
            ProfileSha256 = job.Profile.Sha256,
            Regions = _regions,
            Baud = _recorder.Baud,
            Retries = _recorder.Retries,
            Result = result,
            ErrorCode = error?.Code,
            Cause = error?.Cause,
            Remedy = error?.Remedy,
            StepSeconds = _recorder.StepSeconds,
            Events = _recorder.Events,
            Operation = "qa",
        };
    }
}
