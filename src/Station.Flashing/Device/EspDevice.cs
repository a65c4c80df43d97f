using Station.Flashing.Connect;
using Station.Flashing.Errors;
using Station.Flashing.Events;
using Station.Flashing.Identify;
using Station.Flashing.Loader;
using Station.Flashing.Stub;
using Station.Flashing.Write;
using Station.Protocol;
using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Protocol.Status;
using Station.Protocol.Stubs;
using Station.Transport.Links;
using Station.Transport.Reset;

namespace Station.Flashing.Device;

/// <summary>
/// One connected ESP chip over one link: every operation the station performs on a unit, each as a
/// step that reports <see cref="FlashEvent"/>s and fails with a <see cref="FlashException"/> naming
/// the cause. The caller owns the link.
/// </summary>
public sealed class EspDevice
{
    private readonly LoaderClient _client;
    private readonly TimeProvider _time;
    private readonly IFlashEventSink _events;

    private EspDevice(LoaderClient client, ConnectResult connection, DeviceIdentity identity, TimeProvider time, IFlashEventSink events)
    {
        _client = client;
        Connection = connection;
        Identity = identity;
        _time = time;
        _events = events;
    }

    public DeviceIdentity Identity { get; }

    public ChipSpec Chip => Identity.Chip;

    public ConnectResult Connection { get; }

    public LoaderKind Loader => _client.Kind;

    public IByteLink Link => _client.Link;

    public int Baud => _client.Link.Baud;

    /// <summary>The flash size the loader was told about in <see cref="AttachFlashAsync"/>.</summary>
    public uint? AttachedFlashSize { get; private set; }

    /// <summary>Resets the chip into its loader, syncs, and identifies it.</summary>
    public static async Task<EspDevice> ConnectAsync(
        IByteLink link, ConnectOptions options, TimeProvider time, IFlashEventSink events, CancellationToken cancellationToken)
    {
        var client = new LoaderClient(link, time);
        var connection = await Step(time, events, FlashStep.Connect, link.Name,
            () => new Connector(client, time, events).ConnectAsync(options, cancellationToken)).ConfigureAwait(false);

        var identity = await Step(time, events, FlashStep.Identify, "chip, MAC", async () =>
        {
            var (chip, security) = await new ChipDetector(client).DetectAsync(cancellationToken).ConfigureAwait(false);
            client.Kind = connection.StubAlreadyRunning ? LoaderKind.Stub
                : chip.Rom == RomFamily.Esp8266 ? LoaderKind.Esp8266Rom : LoaderKind.Esp32Rom;
            var reader = new IdentityReader((a, ct) => ReadRegAsync(client, a, ct));
            return await reader.ReadAsync(chip, security, link.Baud, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);

        events.On(new DeviceIdentified(time.GetUtcNow(), identity));
        return new EspDevice(client, connection, identity, time, events);
    }

    public Task<uint> ReadRegAsync(uint address, CancellationToken cancellationToken) => Guard(() => ReadRegAsync(_client, address, cancellationToken));

    public Task WriteRegAsync(uint address, uint value, CancellationToken cancellationToken, uint mask = 0xFFFF_FFFF, uint delayUs = 0) =>
        Guard(() => _client.ExecuteAsync(Requests.WriteReg(address, value, mask, delayUs), 0, CommandTimeouts.Default, cancellationToken));

    /// <summary>Uploads the flasher stub and switches to it.</summary>
    /// <param name="ramBlockSize">MEM_DATA block size: the ROM's default, or smaller for a link that corrupts long frames (F1).</param>
    /// <param name="blockRetries">Resends of a block the ROM rejected as corrupted.</param>
    public Task UploadStubAsync(StubImage stub, CancellationToken cancellationToken, int ramBlockSize = BlockSizes.RamBlock, int blockRetries = 3) =>
        Run(FlashStep.UploadStub, $"stub for {Chip.Name}{(ramBlockSize == BlockSizes.RamBlock ? "" : $" in {ramBlockSize}-byte blocks")}", async () =>
        {
            if (Identity.SecureDownloadMode)
            {
                throw new FlashException(FlashErrors.SecureDownloadMode("running the flasher stub"));
            }

            await new StubUploader(_client, _time, _events) { BlockRetries = blockRetries }.UploadAsync(stub, ramBlockSize, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <summary>
    /// Switches the link to <paramref name="baud"/> (ROM: old baud sent as 0; stub: the current baud), then
    /// proves the device still answers. The ESP8266 ROM cannot change baud; that is reported, not failed.
    /// </summary>
    public Task ChangeBaudAsync(int baud, CancellationToken cancellationToken) =>
        Run(FlashStep.ChangeBaud, $"{Baud} → {baud}", async () =>
        {
            await ChangeBaudCoreAsync(baud, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <summary>Reads the flash chip's JEDEC id through the SPI controller.</summary>
    public Task<FlashId> ReadFlashIdAsync(CancellationToken cancellationToken) =>
        Guard(() => new FlashIdReader(
            (a, ct) => ReadRegAsync(_client, a, ct),
            (a, v, ct) => _client.ExecuteAsync(Requests.WriteReg(a, v), 0, CommandTimeouts.Default, ct)).ReadAsync(Chip, cancellationToken));

    /// <summary>
    /// Prepares the loader for flash commands: the ROM needs SPI_ATTACH (ESP8266 ROM: an empty
    /// FLASH_BEGIN instead); both ROM and stub are told the flash size with SPI_SET_PARAMS.
    /// </summary>
    public Task AttachFlashAsync(uint flashSize, CancellationToken cancellationToken) =>
        Run(FlashStep.AttachFlash, FlashCodes.SizeName(flashSize), async () =>
        {
            switch (Loader)
            {
                case LoaderKind.Esp8266Rom:
                    await _client.ExecuteAsync(Requests.FlashBegin(0, 0, BlockSizes.RomFlashWrite, 0), 0, CommandTimeouts.Default, cancellationToken).ConfigureAwait(false);
                    break;
                case LoaderKind.Esp32Rom:
                    await _client.ExecuteAsync(Requests.SpiAttach(0, forRom: true), 0, CommandTimeouts.Default, cancellationToken).ConfigureAwait(false);
                    await _client.ExecuteAsync(Requests.SpiSetParams(flashSize), 0, CommandTimeouts.Default, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await _client.ExecuteAsync(Requests.SpiSetParams(flashSize), 0, CommandTimeouts.Default, cancellationToken).ConfigureAwait(false);
                    break;
            }

            AttachedFlashSize = flashSize;
            return true;
        });

    /// <summary>Writes one region (compressed unless the loader cannot inflate).</summary>
    /// <param name="skipErased">Leave a run of erased sectors alone when the device's MD5 says it is erased already.</param>
    public Task WriteRegionAsync(PreparedRegion region, bool compress, CancellationToken cancellationToken, int blockRetries = 3, bool skipErased = false) =>
        Run(FlashStep.Write, $"{region.Name} at 0x{region.Address:X}", async () =>
        {
            await new RegionWriter(_client, Chip, _time, _events) { BlockRetries = blockRetries, SkipErased = skipErased }
                .WriteAsync(region, compress, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <summary>
    /// Whether the flash already holds the region (the device's MD5 equals the image's), without writing anything.
    /// True is reported as the region verified; false where the loader cannot compute MD5 (ESP8266 ROM).
    /// </summary>
    public Task<bool> HoldsRegionAsync(PreparedRegion region, CancellationToken cancellationToken) =>
        Run(FlashStep.Verify, $"{region.Name} at 0x{region.Address:X} (already there?)", async () =>
        {
            if (Loader == LoaderKind.Esp8266Rom || await Md5Async(region.Address, (uint)region.Data.Length, cancellationToken).ConfigureAwait(false) != region.Md5)
            {
                return false;
            }

            _events.On(new RegionVerified(_time.GetUtcNow(), region.Index, region.Address, region.Md5));
            return true;
        });

    /// <summary>
    /// Compares the device's MD5 of the region with the expected one. Returns false (and reports it)
    /// when the loader cannot compute MD5 (ESP8266 ROM); a mismatch is an error, never a pass.
    /// </summary>
    public Task<bool> VerifyRegionAsync(PreparedRegion region, CancellationToken cancellationToken) =>
        Run(FlashStep.Verify, $"{region.Name} at 0x{region.Address:X}", async () =>
        {
            if (Loader == LoaderKind.Esp8266Rom)
            {
                _events.On(new RegionUnverified(_time.GetUtcNow(), region.Index, region.Address,
                    "the ESP8266 ROM loader cannot compute MD5; use the flasher stub to verify"));
                return false;
            }

            string actual = await Md5Async(region.Address, (uint)region.Data.Length, cancellationToken).ConfigureAwait(false);
            if (actual != region.Md5)
            {
                throw new FlashException(FlashErrors.Md5Mismatch(region.Address, region.Md5, actual));
            }

            _events.On(new RegionVerified(_time.GetUtcNow(), region.Index, region.Address, actual));
            return true;
        });

    /// <summary>The device's MD5 of a flash range, as lower-case hex.</summary>
    public Task<string> ComputeMd5Async(uint address, uint size, CancellationToken cancellationToken) =>
        Guard(() => Md5Async(address, size, cancellationToken));

    public Task<byte[]> ReadFlashAsync(uint address, int size, CancellationToken cancellationToken) =>
        Run(FlashStep.Read, $"{size} bytes at 0x{address:X}", () => new FlashReader(_client, _time, _events).ReadAsync(address, size, cancellationToken));

    /// <summary>Erases whole sectors: ERASE_REGION on the stub; on the ROM, a FLASH_BEGIN (which erases up front).</summary>
    public Task EraseRegionAsync(uint address, uint size, CancellationToken cancellationToken) =>
        Run(FlashStep.Erase, $"{size} bytes at 0x{address:X}", async () =>
        {
            if (address % BlockSizes.FlashSector != 0 || size % BlockSizes.FlashSector != 0)
            {
                throw new FlashException(FlashErrors.AddressUnaligned(address % BlockSizes.FlashSector != 0 ? address : address + size, "the erase region"));
            }

            var timeout = CommandTimeouts.EraseRegion(size);
            if (Loader == LoaderKind.Stub)
            {
                await _client.ExecuteAsync(Requests.EraseRegion(address, size), 0, timeout, cancellationToken).ConfigureAwait(false);
                return true;
            }

            uint eraseSize = Loader == LoaderKind.Esp8266Rom ? Esp8266RomQuirks.EraseSizeToSend(address, size) : size;
            uint? fifth = Chip.Rom == RomFamily.Esp32S2OrNewer ? 0u : null;
            await _client.ExecuteAsync(Requests.FlashBegin(eraseSize, 0, BlockSizes.RomFlashWrite, address, fifth), 0, timeout, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <summary>
    /// Restarts the chip as asked. A hard reset needs the EN line; where the link has no modem lines
    /// (TCP, a pseudo-terminal) the chip is left in its loader — at 115200 baud, so the next session
    /// can talk to it — rather than rebooted into an app that nothing here could reset again.
    /// </summary>
    public Task ResetAsync(AfterAction action, CancellationToken cancellationToken) =>
        Run(FlashStep.Reset, action.ToString(), async () =>
        {
            switch (action)
            {
                case AfterAction.HardReset when Link.Capabilities.ModemLines:
                    await new HardReset().ResetAsync(Link, _time, cancellationToken).ConfigureAwait(false);
                    break;
                case AfterAction.SoftReset:
                    await LoaderRestartAsync(cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    if (action == AfterAction.HardReset)
                    {
                        _events.On(new Notice(_time.GetUtcNow(), "no-reset-lines",
                            $"{Link.Name} has no modem lines to pulse EN: the chip stays in its loader."));
                    }

                    await ChangeBaudCoreAsync(ConnectOptions.RomBaud, cancellationToken).ConfigureAwait(false);
                    break;
            }

            return true;
        });

    /// <summary>
    /// After a restart into the app: switch the link to the app's console baud and read its log until
    /// <paramref name="pattern"/> appears or <paramref name="within"/> passes. Reading starts with what the
    /// loader client had already received, so the first lines of the boot log are not lost.
    /// </summary>
    public Task<SerialLogResult> ReadAppLogAsync(System.Text.RegularExpressions.Regex pattern, int baud, TimeSpan within, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            byte[] early = _client.TakeUnframedInput();
            if (Link.Baud != baud)
            {
                await Link.SetBaudAsync(baud, cancellationToken).ConfigureAwait(false);
            }

            return await SerialLog.WaitForAsync(Link, early, pattern, within, _time, cancellationToken).ConfigureAwait(false);
        });

    /// <summary>How long to wait after a baud change before the device is asked to answer at the new rate.</summary>
    public static readonly TimeSpan BaudSettle = TimeSpan.FromMilliseconds(20);

    private async Task ChangeBaudCoreAsync(int baud, CancellationToken cancellationToken)
    {
        int old = Baud;
        if (baud == old)
        {
            return;
        }

        if (Loader == LoaderKind.Esp8266Rom)
        {
            _events.On(new Notice(_time.GetUtcNow(), "esp8266-rom-baud", $"The ESP8266 ROM loader cannot change baud; staying at {old}."));
            return;
        }

        await _client.SendAsync(Requests.ChangeBaudrate((uint)baud, Loader == LoaderKind.Stub ? (uint)old : 0), cancellationToken).ConfigureAwait(false);
        await _client.ReadResponseAsync(Opcode.ChangeBaudrate, CommandTimeouts.Default, cancellationToken).ConfigureAwait(false);
        await Link.SetBaudAsync(baud, cancellationToken).ConfigureAwait(false);

        // The ROM switches as soon as its reply has left; the stub waits 10 ms, switches, then 1 ms (reference §4).
        // esptool sleeps 50 ms here; 20 ms covers both loaders, and the probe below proves the switch either way.
        await Task.Delay(BaudSettle, _time, cancellationToken).ConfigureAwait(false);
        await _client.DiscardInputAsync(cancellationToken).ConfigureAwait(false);
        if (!await RespondsAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new FlashException(FlashErrors.BaudNoResponse(baud));
        }

        _events.On(new BaudChanged(_time.GetUtcNow(), old, baud));
    }

    private async Task LoaderRestartAsync(CancellationToken cancellationToken)
    {
        if (Loader == LoaderKind.Stub && Chip.Kind == ChipKind.Esp8266)
        {
            // The ESP8266 stub jumps to the app on RUN_USER_CODE and sends no reply.
            await _client.SendAsync(Requests.RunUserCode(), cancellationToken).ConfigureAwait(false);
            return;
        }

        uint blockSize = Loader == LoaderKind.Stub ? (uint)BlockSizes.StubFlashWrite : BlockSizes.RomFlashWrite;
        uint? fifth = Loader != LoaderKind.Stub && Chip.Rom == RomFamily.Esp32S2OrNewer ? 0u : null;
        await _client.ExecuteAsync(Requests.FlashBegin(0, 0, blockSize, 0, fifth), 0, CommandTimeouts.Default, cancellationToken).ConfigureAwait(false);

        // ROM: 1 = leave the loader and run the app. Stub: 0 = reboot (the straps, idle now, select the app).
        await _client.SendAsync(Requests.FlashEnd(Loader == LoaderKind.Stub ? 0u : 1u), cancellationToken).ConfigureAwait(false);
        try
        {
            await _client.ReadResponseAsync(Opcode.FlashEnd, CommandTimeouts.MemEndRom, cancellationToken).ConfigureAwait(false);
        }
        catch (FlashException)
        {
            // The chip may restart before its reply leaves the UART.
        }
    }

    private async Task<string> Md5Async(uint address, uint size, CancellationToken cancellationToken)
    {
        bool stub = Loader == LoaderKind.Stub;
        var reply = await _client.ExecuteAsync(Requests.SpiFlashMd5(address, size), stub ? Md5Reply.StubLength : Md5Reply.RomLength,
            CommandTimeouts.Md5(size), cancellationToken).ConfigureAwait(false);
        try
        {
            return Md5Reply.ToHex(reply.Result.Span, stub);
        }
        catch (ProtocolException e)
        {
            throw new FlashException(FlashErrors.Malformed(Opcode.SpiFlashMd5, e.Message), e);
        }
    }

    private async Task<bool> RespondsAsync(CancellationToken cancellationToken)
    {
        for (int i = 0; i < 2; i++)
        {
            try
            {
                await _client.ExecuteAsync(Requests.ReadReg(ChipCatalogue.MagicRegister), 0, TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (FlashException)
            {
                await _client.DiscardInputAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return false;
    }

    private static async Task<uint> ReadRegAsync(LoaderClient client, uint address, CancellationToken cancellationToken) =>
        (await client.ExecuteAsync(Requests.ReadReg(address), 0, CommandTimeouts.Default, cancellationToken).ConfigureAwait(false)).Value;

    private Task<T> Run<T>(FlashStep step, string detail, Func<Task<T>> body) => Step(_time, _events, step, detail, body);

    private static Task<T> Guard<T>(Func<Task<T>> body) => Translate(body);

    /// <summary>Brackets an operation with step events and turns transport and protocol failures into flash errors.</summary>
    private static async Task<T> Step<T>(TimeProvider time, IFlashEventSink events, FlashStep step, string detail, Func<Task<T>> body)
    {
        long started = time.GetTimestamp();
        events.On(new StepStarted(time.GetUtcNow(), step, detail));
        try
        {
            T result = await Translate(body).ConfigureAwait(false);
            events.On(new StepFinished(time.GetUtcNow(), step, time.GetElapsedTime(started)));
            return result;
        }
        catch (FlashException e)
        {
            events.On(new StepFailed(time.GetUtcNow(), step, e.Error));
            throw;
        }
    }

    private static async Task<T> Translate<T>(Func<Task<T>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (LinkException e)
        {
            throw new FlashException(FlashErrors.FromLink(e), e);
        }
        catch (ProtocolException e)
        {
            throw new FlashException(new FlashError(ErrorCodes.Protocol, e.Message, "Re-seat the cable; if it repeats, lower the baud rate."), e);
        }
    }
}
