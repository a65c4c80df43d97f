using Station.Protocol.Chips;
using Station.Simulator.Flash;

namespace Station.Simulator.Boot;

/// <summary>How a flash boot ended.</summary>
public enum FlashBootOutcome
{
    /// <summary>The app runs (silent after <c>Calling app_main()</c>).</summary>
    AppRunning,

    /// <summary>The 2nd-stage bootloader gave up and resets the chip: the boot repeats.</summary>
    ResetLoop,

    /// <summary>The ROM found no bootloader ("invalid header"): it stays there.</summary>
    Halted,
}

/// <summary>Everything one flash boot printed and how it ended.</summary>
/// <param name="Detail">The app ("demo-app 1.0.0 from 0x10000") or the last error line.</param>
public sealed record FlashBootResult(IReadOnlyList<BootOutput> Output, FlashBootOutcome Outcome, string Detail, LoadedApp? App)
{
    public string Text => string.Concat(Output.Select(o => o.Text));
}

/// <summary>
/// A boot from SPI flash, from the ROM banner to <c>app_main()</c> (esp-idf-images-and-efuse.md §4):
/// the ROM loads the bootloader (<see cref="RomFlashLoad"/>), the ESP-IDF 2nd-stage bootloader reads
/// the partition table, picks and verifies the app (<see cref="SecondStageBootloader"/>), and the app
/// prints its start-up (<see cref="AppStartup"/>). The text is computed from the flash in one go and
/// printed by the device with the modelled delays between lines.
/// Failure behaviour: a bootloader failure ends in its software reset; the device waits
/// <see cref="FailureResetDelay"/> before the banner comes again (a real chip loops as fast as its log
/// leaves the UART; one loop per second keeps a failing board readable without flooding the host).
/// The ROM's "invalid header" is printed once and the chip then stays silent (a real ROM repeats it
/// until a watchdog resets it). The ESP8266 stops after the ROM's load lines: its SDK bootloaders are
/// not modelled.
/// </summary>
public static class FlashBoot
{
    public static readonly TimeSpan FailureResetDelay = TimeSpan.FromSeconds(1);

    /// <summary>ROM flash reads: ~10 MB/s at 40 MHz DIO (10 000 bytes per ms).</summary>
    private const double RomBytesPerMillisecond = 10_000;

    /// <summary>
    /// Boots from <paramref name="flash"/>. <paramref name="banner"/> is the ROM banner printed at
    /// reset (null when the chip leaves the serial loader straight into the flash boot).
    /// </summary>
    public static FlashBootResult Run(ChipSpec chip, NorFlash flash, FlashId flashId, string? banner)
    {
        ArgumentNullException.ThrowIfNull(chip);
        ArgumentNullException.ThrowIfNull(flash);
        var log = new BootTranscript();
        if (banner is not null)
        {
            log.Raw(banner);
        }

        var rom = RomFlashLoad.Load(chip, flash);
        log.Raw(rom.Text);
        if (rom.Bootloader is not { } bootloader)
        {
            return new FlashBootResult(log.Output, FlashBootOutcome.Halted, rom.Text.TrimEnd(), null);
        }

        if (chip.Kind == ChipKind.Esp8266)
        {
            return new FlashBootResult(log.Output, FlashBootOutcome.AppRunning, "ESP8266 bootloader started", null);
        }

        log.Work(TimeSpan.FromMilliseconds(bootloader.Length / RomBytesPerMillisecond));
        var app = SecondStageBootloader.Run(chip, flash, bootloader, log);
        if (app is null)
        {
            string last = log.Output[^1].Text.TrimEnd();
            return new FlashBootResult(log.Output, FlashBootOutcome.ResetLoop, last, null);
        }

        AppStartup.Print(chip, flashId, flash.Size, app, log);
        string what = app.Descriptor is { } d ? $"{d.ProjectName} {d.Version}" : "app without descriptor";
        return new FlashBootResult(log.Output, FlashBootOutcome.AppRunning, $"{what} from 0x{app.Offset:x}", app);
    }
}
