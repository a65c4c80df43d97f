using Station.Flashing.Device;
using Station.Flashing.Errors;
using Station.Flashing.Events;
using Station.Protocol.Chips;
using Station.Protocol.Status;
using Station.Transport.Links;

namespace Station.Flashing.Sessions;

/// <summary>A device made ready for flash commands, with what was learned on the way.</summary>
public sealed record ReadyDevice(EspDevice Device, FlashId FlashId, uint FlashSize, bool FlashSizeDetected);

/// <summary>
/// Connect → identify → check the chip → raise the baud (on ESP32-family ROMs before the stub
/// upload, so the upload is fast too) → upload the stub → read the flash id → attach the flash.
/// Without a stub file for the chip the device is driven through its ROM loader, and that is said.
/// </summary>
public static class DeviceSession
{
    public static async Task<ReadyDevice> OpenAsync(
        IByteLink link, SessionOptions options, TimeProvider time, IFlashEventSink events, CancellationToken cancellationToken)
    {
        var device = await EspDevice.ConnectAsync(link, options.Connect, time, events, cancellationToken).ConfigureAwait(false);
        if (options.ExpectedChip is { } expected && expected.Kind != device.Chip.Kind)
        {
            var error = FlashErrors.ChipMismatch(expected.Name, device.Chip.Name);
            events.On(new StepFailed(time.GetUtcNow(), FlashStep.Identify, error));
            throw new FlashException(error);
        }

        var stub = options.UseStub && device.Loader != LoaderKind.Stub && !device.Identity.SecureDownloadMode
            ? options.Stubs.Find(device.Chip)
            : null;
        if (options.UseStub && stub is null && device.Loader != LoaderKind.Stub)
        {
            events.On(new Notice(time.GetUtcNow(), "no-stub",
                $"No flasher stub for {device.Chip.Name}{(options.Stubs.Directory is { } dir ? $" in {dir}" : "")}: flashing through the ROM loader " +
                "(slower; see README, \"Flasher stubs\")."));
        }

        bool raiseBaudFirst = stub is not null && device.Loader == LoaderKind.Esp32Rom;
        if (raiseBaudFirst)
        {
            await device.ChangeBaudAsync(options.Baud, cancellationToken).ConfigureAwait(false);
        }

        if (stub is not null)
        {
            await device.UploadStubAsync(stub, cancellationToken).ConfigureAwait(false);
        }

        if (!raiseBaudFirst)
        {
            await device.ChangeBaudAsync(options.Baud, cancellationToken).ConfigureAwait(false);
        }

        var flashId = await device.ReadFlashIdAsync(cancellationToken).ConfigureAwait(false);
        uint flashSize;
        bool detected;
        if (options.FlashSize is { } given)
        {
            flashSize = given;
            detected = false;
        }
        else if (flashId.LooksDisconnected)
        {
            throw new FlashException(FlashErrors.FlashNotDetected(flashId.Raw));
        }
        else if (flashId.SizeBytes is { } size)
        {
            flashSize = size;
            detected = true;
        }
        else
        {
            flashSize = 4 * 1024 * 1024;
            detected = false;
            events.On(new Notice(time.GetUtcNow(), "flash-size-unknown",
                $"Flash id {flashId} has an unknown size code; assuming 4MB. Give the size explicitly to be sure."));
        }

        await device.AttachFlashAsync(flashSize, cancellationToken).ConfigureAwait(false);
        return new ReadyDevice(device, flashId, flashSize, detected);
    }
}
