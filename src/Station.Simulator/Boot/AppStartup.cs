using System.Globalization;
using Station.Protocol.Chips;

namespace Station.Simulator.Boot;

/// <summary>
/// What an ESP-IDF v5.4 app prints from its start until <c>app_main()</c> runs (esp-idf-images-and-efuse.md
/// §4.4): <c>cpu_start</c> core and clock lines, the <c>app_init</c> "Application information" block
/// read from the image's app descriptor (the ELF SHA-256 shortened to 9 hex digits, as v5.2+ prints
/// it), the <c>efuse_init</c> chip revision lines, the <c>spi_flash</c> lines for the detected chip, and
/// <c>main_task</c>. The heap_init region lines are left out: they follow the app's linker map, which
/// an image does not carry. An app without a descriptor prints no information block. The app prints
/// nothing after <c>Calling app_main()</c>.
/// </summary>
public static class AppStartup
{
    /// <summary>Characters of the ELF SHA-256 the app prints (CONFIG_APP_RETRIEVE_LEN_ELF_SHA = 9).</summary>
    public const int ElfShaHexDigits = 9;

    public static void Print(ChipSpec chip, FlashId flashId, uint flashSize, LoadedApp app, BootTranscript log)
    {
        ArgumentNullException.ThrowIfNull(chip);
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(log);
        var facts = ChipBootFacts.For(chip);

        // Mapping the app and starting the cores before the first app line.
        log.Work(TimeSpan.FromMilliseconds(6));
        log.Info("cpu_start", facts.DualCore ? "Multicore app" : "Unicore app");
        log.Info("cpu_start", "Pro cpu start user code");
        log.Info("cpu_start", string.Create(CultureInfo.InvariantCulture, $"cpu freq: {facts.CpuFrequencyHz} Hz"));
        if (app.Descriptor is { } d)
        {
            log.Info("app_init", "Application information:");
            log.Info("app_init", $"Project name:     {d.ProjectName}");
            log.Info("app_init", $"App version:      {d.Version}");
            if (d.SecureVersion != 0)
            {
                log.Info("app_init", string.Create(CultureInfo.InvariantCulture, $"Secure version:   {d.SecureVersion}"));
            }

            log.Info("app_init", $"Compile time:     {d.Date} {d.Time}");
            log.Info("app_init", $"ELF file SHA256:  {d.AppElfSha256Hex[..ElfShaHexDigits]}...");
            log.Info("app_init", $"ESP-IDF:          {d.IdfVersion}");
        }

        int max = app.MaxChipRevisionFull is 0 or 0xFFFF ? facts.DefaultMaxChipRevisionFull : app.MaxChipRevisionFull;
        log.Info("efuse_init", $"Min chip rev:     {ChipBootFacts.Revision(app.MinChipRevisionFull)}");
        log.Info("efuse_init", $"Max chip rev:     {ChipBootFacts.Revision(max)} ");
        log.Info("efuse_init", $"Chip rev:         {ChipBootFacts.Revision(ChipBootFacts.ChipRevisionFull)}");

        // Heap and flash driver initialisation.
        log.Work(TimeSpan.FromMilliseconds(30));
        log.Info("spi_flash", $"detected chip: {VendorName(flashId.Manufacturer)}");
        log.Info("spi_flash", $"flash io: {RomFlashLoad.ModeName(app.FlashMode).ToLowerInvariant()}");
        uint headerSize = SecondStageBootloader.SizeBytes(app.FlashSizeCode);
        if (flashSize > headerSize)
        {
            log.Warn("spi_flash", string.Create(CultureInfo.InvariantCulture,
                $"Detected size({flashSize / 1024}k) larger than the size in the binary image header({headerSize / 1024}k). Using the size in the binary image header."));
        }

        log.Work(TimeSpan.FromMilliseconds(10));
        log.Info("main_task", "Started on CPU0");
        log.Work(TimeSpan.FromMilliseconds(10));
        log.Info("main_task", "Calling app_main()");
    }

    /// <summary>IDF's flash chip drivers by JEDEC manufacturer; anything else is "generic".</summary>
    private static string VendorName(byte manufacturer) => manufacturer switch
    {
        0xEF => "winbond",
        0xC8 => "gd",
        0x9D => "issi",
        0xC2 => "mxic",
        0x68 => "boya",
        0xCD => "th",
        _ => "generic",
    };
}
