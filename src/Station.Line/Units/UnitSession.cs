using Station.Flashing.Connect;
using Station.Flashing.Device;
using Station.Flashing.Errors;
using Station.Flashing.Events;
using Station.Line.Jobs;
using Station.Protocol.Chips;
using Station.Protocol.Status;
using Station.Transport.Links;
using Polly;

namespace Station.Line.Units;

/// <summary>
/// One connection to the unit at one baud: open the port, connect (cycling reset strategies), make
/// sure it is the right chip (and the same unit when reconnecting), raise the baud — before the stub
/// upload on ESP32-family ROMs — upload the stub, read the flash id and attach the flash.
/// </summary>
internal sealed class UnitSession : IAsyncDisposable
{
    private readonly IByteLink _link;

    private UnitSession(IByteLink link, EspDevice device, FlashId flashId, uint flashSize)
    {
        _link = link;
        Device = device;
        FlashId = flashId;
        FlashSize = flashSize;
    }

    public EspDevice Device { get; }

    public FlashId FlashId { get; }

    public uint FlashSize { get; }

    public IByteLink Link => _link;

    public static async Task<UnitSession> OpenAsync(
        LineJob job, Slots.SlotState slot, UnitRecorder recorder, MacAddress? expectedMac, ResiliencePipeline steps, CancellationToken cancellationToken,
        RamUploadPlan? ramUpload = null)
    {
        ramUpload ??= RamUploadPlan.After(0);
        var profile = job.Profile;
        IByteLink link;
        try
        {
            link = await slot.Fixture.OpenAsync(profile.Link.InitialBaud, cancellationToken).ConfigureAwait(false);
        }
        catch (LinkException e)
        {
            throw new FlashException(FlashErrors.FromLink(e), e);
        }

        try
        {
            var device = await ConnectAsync(job, slot, link, recorder, cancellationToken).ConfigureAwait(false);
            if (device.Chip.Kind != profile.Chip.Kind)
            {
                throw new FlashException(FlashErrors.ChipMismatch(profile.Chip.Name, device.Chip.Name));
            }

            if (expectedMac is { } mac && device.Identity.Mac != mac)
            {
                throw new FlashException(LineErrors.UnitChanged(mac.ToString(), device.Identity.Mac.ToString()));
            }

            int baud = slot.CurrentBaud(profile.Link.BaudLadder);
            var timeouts = profile.Retry.Timeouts;
            var stub = device.Loader != LoaderKind.Stub && !device.Identity.SecureDownloadMode && ramUpload.UseStub ? job.Stubs.Find(device.Chip) : null;
            if (!ramUpload.UseStub && device.Loader != LoaderKind.Stub)
            {
                recorder.On(new Notice(job.Time.GetUtcNow(), "rom-only", $"{ramUpload.Reason}: flashing through the ROM loader, without the stub."));
            }
            else if (stub is null && device.Loader != LoaderKind.Stub)
            {
                recorder.On(new Notice(job.Time.GetUtcNow(), "no-stub", $"No flasher stub for {device.Chip.Name}: flashing through the ROM loader."));
            }

            bool raiseFirst = stub is not null && device.Loader == LoaderKind.Esp32Rom;
            if (raiseFirst)
            {
                await steps.WithinAsync("baud", timeouts.Identify, async ct => { await device.ChangeBaudAsync(baud, ct).ConfigureAwait(false); return true; }, cancellationToken).ConfigureAwait(false);
            }

            if (stub is not null)
            {
                await steps.WithinAsync("stub", timeouts.Stub, async ct =>
                {
                    await device.UploadStubAsync(stub, ct, ramUpload.BlockSize, profile.Retry.BlockRetries).ConfigureAwait(false);
                    return true;
                }, cancellationToken).ConfigureAwait(false);
            }

            if (!raiseFirst)
            {
                await steps.WithinAsync("baud", timeouts.Identify, async ct => { await device.ChangeBaudAsync(baud, ct).ConfigureAwait(false); return true; }, cancellationToken).ConfigureAwait(false);
            }

            recorder.Baud = device.Baud;
            var flashId = await steps.WithinAsync("identify", timeouts.Identify, device.ReadFlashIdAsync, cancellationToken).ConfigureAwait(false);
            if (flashId.LooksDisconnected)
            {
                throw new FlashException(FlashErrors.FlashNotDetected(flashId.Raw));
            }

            uint flashSize = profile.Flash.Size is { } sizeName && FlashCodes.TryParseSize(sizeName, out uint given) ? given : flashId.SizeBytes ?? 4u * 1024 * 1024;
            job.Plan.CheckFits(flashSize);
            await steps.WithinAsync("attach", timeouts.Identify, async ct => { await device.AttachFlashAsync(flashSize, ct).ConfigureAwait(false); return true; }, cancellationToken).ConfigureAwait(false);
            return new UnitSession(link, device, flashId, flashSize);
        }
        catch
        {
            await link.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _link.DisposeAsync();

    private static async Task<EspDevice> ConnectAsync(LineJob job, Slots.SlotState slot, IByteLink link, UnitRecorder recorder, CancellationToken cancellationToken)
    {
        var strategies = slot.ResetStrategies(job);
        int attempt = 0;
        FlashError? telling = null;
        try
        {
            return await LinePolicies.Connect(job.Profile.Retry, job.Time, recorder).ExecuteAsync(async ct =>
            {
                var options = new ConnectOptions
                {
                    Attempts = 1,
                    ResetStrategies = strategies.Count > 0 ? [strategies[attempt++ % strategies.Count]] : null,
                };
                try
                {
                    return await EspDevice.ConnectAsync(link, options, job.Time, recorder, ct).ConfigureAwait(false);
                }
                catch (FlashException e)
                {
                    telling = Connector.MoreTelling(telling, e.Error);
                    throw;
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (FlashException e) when (telling is not null && !ReferenceEquals(Connector.MoreTelling(telling, e.Error), e.Error))
        {
            // Without modem lines (TCP) only the first attempt sees a banner: its diagnosis is the one that names the cause.
            throw new FlashException(telling, e);
        }
        catch (Polly.Timeout.TimeoutRejectedException e)
        {
            throw new FlashException(LineErrors.StepTimeout("connect", job.Profile.Retry.Timeouts.Connect), e);
        }
    }
}
