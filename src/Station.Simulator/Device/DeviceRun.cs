using Station.Simulator.Boot;
using Station.Simulator.Faults;
using Station.Simulator.Flash;
using Station.Simulator.Loader;
using Station.Simulator.Registers;
using Station.Simulator.Timing;
using Station.Simulator.Wire;
using Station.Transport.Links;

namespace Station.Simulator.Device;

/// <summary>
/// One attachment of a device to a link: the power/reset supervisor and, for each boot, a session
/// that is either the serial loader (ROM, then possibly the stub) or a flash boot. EN going low
/// cancels the running session; a reset always restores 115200 baud and drops the stub.
/// Faults (<see cref="FaultPlan"/>): a board that misses download mode boots from flash; a brownout
/// cancels the session like EN and boots per the straps (<c>rst:0xf</c>); an unplug ends the run and
/// closes the link once the hosting layer has taken the port away.
/// </summary>
internal sealed class DeviceRun
{
    /// <summary>The Booting detail of a board that boots from flash because it was powered on with its straps released (not restarted by the host).</summary>
    public const string PowerOnFlashBoot = "booting from flash at power-on";

    private readonly SimulatedDevice _device;
    private readonly IByteLink _link;
    private readonly PowerOnBoot _powerOn;
    private readonly DeviceClock _clock;
    private readonly SerialWire _wire;
    private readonly RegisterFile _registers;
    private readonly FlashContext _flash;
    private readonly FaultPlan _faults;
    private bool _poweredOn;

    public DeviceRun(SimulatedDevice device, IByteLink link, PowerOnBoot powerOn)
    {
        _device = device;
        _link = link;
        _powerOn = powerOn;
        var options = device.Options;
        _faults = options.Faults;
        _clock = new DeviceClock(options.Time, options.Pacing);
        _wire = new SerialWire(link, _clock, _faults.Wire, _faults.Boot, options.Seed ^ ((ulong)options.Index << 32));
        _registers = new RegisterFile(device.Chip, device.Mac, device.FlashId, () => _wire.Baud, device.Efuse);
        _flash = new FlashContext(device.Flash, options.Pacing ? options.FlashTiming : FlashTiming.Instant, _faults.Flash, _faults.Boot, _clock);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var signals = _link as IHostSignals;
        using var lines = signals is null ? null : new LineWatch(signals, _clock);
        TimeSpan poweredAt = _clock.Now;
        _faults.Boot.PowerRestored();
        _wire.Start();
        try
        {
            await SuperviseAsync(lines, poweredAt, cancellationToken).ConfigureAwait(false);
        }
        catch (LinkException e) when (e.Failure == LinkFailure.Gone)
        {
            _device.Report(DeviceActivity.Disconnected, "host closed the link");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _device.Report(DeviceActivity.Off, "stopped");
        }
        finally
        {
            await _wire.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <remarks>
    /// Each boot starts at a modelled instant (<c>bootAt</c>, device clock): power-on, EN's rise plus the
    /// EN delay, or the moment of a reset the chip caused itself. The straps are sampled and the UART
    /// starts listening at that instant, not when this task gets there, so a late task on a busy machine
    /// neither misreads IO0 nor throws away a request the host sent after the boot began.
    /// </remarks>
    private async Task SuperviseAsync(LineWatch? lines, TimeSpan poweredAt, CancellationToken cancellationToken)
    {
        ResetCause cause = ResetCause.PowerOn;
        TimeSpan bootAt = poweredAt;
        BootMode? next = lines is null || _powerOn == PowerOnBoot.Download ? BootMode.Download : null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            BootMode mode;
            if (next is { } chosen)
            {
                mode = chosen;
                next = null;
            }
            else
            {
                // Lines exist here: wait for EN high, then for the EN RC delay, then sample IO0.
                if (!lines!.Levels.EnHigh)
                {
                    _device.Report(DeviceActivity.InReset, "EN low");
                    await lines.NextChangeAsync(cancellationToken).ConfigureAwait(false);
                    cause = ResetCause.ExternalReset;
                    continue;
                }

                if (!await lines.HoldsEnHighAsync(_device.Options.EnDelay, cancellationToken).ConfigureAwait(false))
                {
                    cause = ResetCause.ExternalReset;
                    continue;
                }

                bootAt = lines.EnRoseAt + _device.Options.EnDelay;
                mode = lines.LevelsAt(bootAt).Io0High ? BootMode.Flash : BootMode.Download;
            }

            if (mode == BootMode.Download && !_faults.Boot.EntersDownloadMode(cause))
            {
                mode = BootMode.Flash;
            }

            long fallsSeen = lines?.EnFalls ?? 0;
            _faults.Boot.PowerRestored();
            using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task<PowerLoss> powerLost = _faults.Boot.WhenPowerLostAsync(session.Token);
            Task<LoaderOutcome> boot = BootAsync(mode, cause, bootAt, session.Token);
            Task enFalls = lines is null ? Task.Delay(Timeout.InfiniteTimeSpan, _clock.Time, session.Token) : lines.WhenEnFallsAsync(fallsSeen, session.Token);
            Task first = await Task.WhenAny(boot, enFalls, powerLost).ConfigureAwait(false);
            await session.CancelAsync().ConfigureAwait(false);
            LoaderOutcome outcome = await Finish(boot).ConfigureAwait(false);
            await Finish(enFalls).ConfigureAwait(false);
            PowerLoss? loss = await Finish(powerLost).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (first == powerLost && loss is { Kind: PowerLossKind.Unplug })
            {
                await UnplugAsync(loss.UnplugDelay).ConfigureAwait(false);
                return;
            }

            if (first == powerLost)
            {
                // The chip restarts on its own and samples the straps; without lines IO0 is not held low.
                cause = ResetCause.Brownout;
                bootAt = _clock.Now;
                next = lines is null || lines.Levels.Io0High ? BootMode.Flash : BootMode.Download;
                _device.Report(DeviceActivity.InReset, "brownout reset");
                continue;
            }

            if (first == enFalls)
            {
                cause = ResetCause.ExternalReset;
                continue;
            }

            // Only a software reset ends a boot by itself; the ROM re-samples IO0 at that moment.
            // On links without lines the fixture released IO0 after power-on, so the app boots.
            cause = ResetCause.SoftwareReset;
            bootAt = _clock.Now;
            next = lines is null || lines.Levels.Io0High ? BootMode.Flash : BootMode.Download;
            _device.Report(DeviceActivity.InReset, $"software reset after {outcome}");
        }
    }

    /// <summary>
    /// The cable is out: the hosting layer takes the port away first (so a client cannot reconnect in
    /// between), then the link closes and the run ends. The board keeps its flash for when it comes back.
    /// </summary>
    private async Task UnplugAsync(TimeSpan delay)
    {
        _device.Report(DeviceActivity.Disconnected, $"unplugged for {delay.TotalSeconds:0.###} s");
        _device.RaiseUnplugged(delay);
        await _link.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Awaits a task that may have ended by cancellation; rethrows link loss.</summary>
    private static async Task<T> Finish<T>(Task<T> task)
    {
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return default!;
        }
    }

    private static async Task Finish(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The watcher was only waiting.
        }
    }

    /// <summary>One boot; returns only for a software reset (everything else runs until cancelled).</summary>
    private async Task<LoaderOutcome> BootAsync(BootMode mode, ResetCause cause, TimeSpan bootAt, CancellationToken cancellationToken)
    {
        _wire.Baud = SerialWire.DefaultBaud;
        _wire.DiscardInputBefore(bootAt);
        _registers.Reset();
        if (cause == ResetCause.PowerOn && !_poweredOn)
        {
            // Factory firmware that ran before the fixture reset the chip (field failure F9).
            _poweredOn = true;
            if (_faults.Boot.PowerOnOutput() is { } flood)
            {
                await _wire.SendTextAsync(System.Text.Encoding.ASCII.GetBytes(flood), _wire.Baud, cancellationToken).ConfigureAwait(false);
            }
        }

        string banner = RomBanner.For(_device.Chip, mode, cause);
        if (mode == BootMode.Flash)
        {
            return await RunAppAsync(banner, cancellationToken, atPowerOn: cause == ResetCause.PowerOn).ConfigureAwait(false);
        }

        await PrintAsync(banner, cancellationToken).ConfigureAwait(false);
        _device.Report(DeviceActivity.RomLoader, $"download mode ({cause})");
        var context = new LoaderContext(_device.Chip, _wire, _registers, _flash, _faults, _device.Report);
        LoaderOutcome outcome = await new DownloadSession(context).RunAsync(cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case LoaderOutcome.RunUserCode:
                // Leaving the loader jumps into the flash boot without a new ROM banner.
                return await RunAppAsync(banner: null, cancellationToken).ConfigureAwait(false);
            case LoaderOutcome.Crashed:
                _device.Report(DeviceActivity.Crashed, "jumped to an entry point outside uploaded code");
                await IgnoreInputAsync(cancellationToken).ConfigureAwait(false);
                return outcome;
            default:
                return outcome;
        }
    }

    /// <summary>
    /// The boot from flash (<see cref="FlashBoot"/>): prints it line by line with the modelled work
    /// between lines, then the app runs (input is dropped) or, after a bootloader failure, the chip
    /// resets itself once <see cref="FlashBoot.FailureResetDelay"/> has passed.
    /// </summary>
    private async Task<LoaderOutcome> RunAppAsync(string? banner, CancellationToken cancellationToken, bool atPowerOn = false)
    {
        _device.Report(DeviceActivity.Booting, atPowerOn ? PowerOnFlashBoot : "booting from flash");
        FlashBootResult boot = FlashBoot.Run(_device.Chip, _device.Flash, _device.FlashId, banner);
        foreach (BootOutput output in boot.Output)
        {
            await _clock.SpendAsync(output.WorkBefore, cancellationToken).ConfigureAwait(false);
            await PrintAsync(output.Text, cancellationToken).ConfigureAwait(false);
        }

        if (boot.Outcome == FlashBootOutcome.ResetLoop)
        {
            _device.Report(DeviceActivity.BootFailed, boot.Detail);
            await _wire.WhenSentAsync(cancellationToken).ConfigureAwait(false);
            await Task.Delay(FlashBoot.FailureResetDelay, _clock.Time, cancellationToken).ConfigureAwait(false);
            return LoaderOutcome.SoftwareReset;
        }

        _device.Report(boot.Outcome == FlashBootOutcome.AppRunning ? DeviceActivity.RunningApp : DeviceActivity.BootFailed, boot.Detail);
        await IgnoreInputAsync(cancellationToken).ConfigureAwait(false);
        return LoaderOutcome.RunUserCode;
    }

    /// <summary>Boot text; the ESP8266 ROM prints at 74880 baud, which a 115200 host reads as garbage.</summary>
    private ValueTask PrintAsync(string text, CancellationToken cancellationToken)
    {
        int baud = _device.Chip.Kind == Protocol.Chips.ChipKind.Esp8266 ? RomBanner.Esp8266BannerBaud : _wire.Baud;
        return _wire.SendTextAsync(System.Text.Encoding.ASCII.GetBytes(text), baud, cancellationToken);
    }

    /// <summary>The app (or a crashed CPU) does not speak the protocol: input is read and dropped.</summary>
    private async Task IgnoreInputAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            _ = await _wire.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
