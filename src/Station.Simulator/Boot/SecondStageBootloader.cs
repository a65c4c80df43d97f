using System.Globalization;
using Station.Protocol.Chips;
using Station.Protocol.Images;
using Station.Simulator.Flash;

namespace Station.Simulator.Boot;

/// <summary>
/// The ESP-IDF v5.x 2nd-stage bootloader as its UART output shows it (esp-idf-images-and-efuse.md
/// §2.3, §2.6, §4.4, §4.5): banner, chip revision and SPI settings from its own image header, the
/// partition table (verified with the bootloader's checks), the boot partition chosen from otadata,
/// the app image loaded and verified, then the jump to the app. Every failure ends in the bootloader's
/// software reset. The simulated bootloader cannot run the code in the flashed bootloader image, so
/// its own version and build time are fixed (<see cref="IdfVersion"/>, <see cref="CompileTime"/>).
/// Not modelled: app rollback, anti-rollback, secure boot, flash encryption, the GPIO factory-reset and
/// test-app features.
/// </summary>
public static class SecondStageBootloader
{
    public const string Tag = "boot";
    public const string IdfVersion = "v5.4.1";

    /// <summary><c>__DATE__ " " __TIME__</c> of the simulated bootloader build.</summary>
    public const string CompileTime = "Jan  6 2025 16:07:11";

    private const int FactoryIndex = -1;
    private const int TestIndex = -2;

    /// <summary>Runs the bootloader; returns the app it jumps to, or null after a failure (the bootloader then resets).</summary>
    public static LoadedApp? Run(ChipSpec chip, NorFlash flash, EspImage bootloaderHeader, BootTranscript log)
    {
        ArgumentNullException.ThrowIfNull(chip);
        ArgumentNullException.ThrowIfNull(flash);
        ArgumentNullException.ThrowIfNull(bootloaderHeader);
        ArgumentNullException.ThrowIfNull(log);
        var facts = ChipBootFacts.For(chip);
        PrintBanner(chip, facts, bootloaderHeader, log);

        uint flashSize = SizeBytes(bootloaderHeader.FlashSizeCode);
        var table = LoadPartitionTable(flash, flashSize, log);
        if (table is null)
        {
            log.Error(Tag, "load partition table error!");
            return null;
        }

        var state = new BootState(table);
        int start = SelectBootPartition(flash, state, log);
        return LoadBootImage(chip, flash, state, start, log);
    }

    private static void PrintBanner(ChipSpec chip, ChipBootFacts facts, EspImage header, BootTranscript log)
    {
        log.Work(TimeSpan.FromMilliseconds(2));
        log.Info(Tag, $"ESP-IDF {IdfVersion} 2nd stage bootloader");
        log.Info(Tag, $"compile time {CompileTime}");
        if (facts.DualCore)
        {
            log.Info(Tag, "Multicore bootloader");
        }

        log.Info(Tag, $"chip revision: {ChipBootFacts.Revision(ChipBootFacts.ChipRevisionFull)}");
        if (facts.PrintsEfuseBlockRevision)
        {
            log.Info(Tag, $"efuse block revision: {ChipBootFacts.Revision(0)}");
        }

        log.Info(facts.Tag, facts.SpeedLabel + SpeedName(chip, header.FlashFrequencyCode));
        log.Info(facts.Tag, $"SPI Mode       : {RomFlashLoad.ModeName(header.FlashMode)}");
        log.Info(facts.Tag, $"SPI Flash Size : {FlashCodes.SizeName(SizeBytes(header.FlashSizeCode))}");
        log.Info(Tag, "Enabling RNG early entropy source...");
    }

    /// <summary><c>bootloader_utility_load_partition_table</c>: verify, then list every entry.</summary>
    private static PartitionTable? LoadPartitionTable(NorFlash flash, uint flashSize, BootTranscript log)
    {
        byte[] bytes = AppImageLoad.ReadClamped(flash, PartitionTable.DefaultOffset, PartitionTable.MaxLength);
        var verified = PartitionTable.Verify(bytes, flashSize);
        if (verified.Table is not { } table)
        {
            log.Error(PartitionTableError.Tag, verified.Error!.Message);
            log.Error(Tag, "Failed to verify partition table");
            return null;
        }

        log.Info(Tag, "Partition Table:");
        log.Info(Tag, "## Label            Usage          Type ST Offset   Length");
        for (int i = 0; i < table.Entries.Count; i++)
        {
            var e = table.Entries[i];
            log.Info(Tag, string.Create(CultureInfo.InvariantCulture,
                $"{i,2} {e.Label,-16} {e.Usage,-16} {(byte)e.Type:x2} {e.Subtype:x2} {e.Offset:x8} {e.Size:x8}"));
        }

        log.Info(Tag, "End of partition table");
        return table;
    }

    /// <summary><c>bootloader_utility_get_selected_boot_partition</c>, rollback disabled.</summary>
    private static int SelectBootPartition(NorFlash flash, BootState state, BootTranscript log)
    {
        if (state.OtaData is not { } otadata)
        {
            return FactoryIndex;
        }

        var entries = new[]
        {
            OtaSelectEntry.Parse(AppImageLoad.ReadClamped(flash, otadata.Offset, OtaSelectEntry.Length)),
            OtaSelectEntry.Parse(AppImageLoad.ReadClamped(flash, otadata.Offset + NorFlash.SectorSize, OtaSelectEntry.Length)),
        };
        if ((entries[0].IsInvalid && entries[1].IsInvalid) || state.AppCount == 0)
        {
            if (state.Factory is not null)
            {
                log.Info(Tag, "Defaulting to factory image");
                return FactoryIndex;
            }

            log.Info(Tag, "No factory image, trying OTA 0");
            state.OtaHasInitialContents = true;
            return 0;
        }

        var active = entries.Where(e => e.IsValid).OrderByDescending(e => e.Sequence).Cast<OtaSelectEntry?>().FirstOrDefault();
        if (active is { } chosen)
        {
            return (int)((chosen.Sequence - 1) % (uint)state.AppCount);
        }

        log.Error(Tag, state.Factory is not null
            ? "ota data partition invalid, falling back to factory"
            : "ota data partition invalid and no factory, will try all partitions");
        return FactoryIndex;
    }

    /// <summary><c>bootloader_utility_load_boot_image</c>: the chosen slot, then lower ones down to factory, then higher OTA slots, then the test app.</summary>
    private static LoadedApp? LoadBootImage(ChipSpec chip, NorFlash flash, BootState state, int start, BootTranscript log)
    {
        for (int index = start; index >= FactoryIndex; index--)
        {
            if (TryIndex(chip, flash, state, index, log) is { } app)
            {
                return app;
            }
        }

        for (int index = start + 1; index < state.AppCount; index++)
        {
            if (TryIndex(chip, flash, state, index, log) is { } app)
            {
                return app;
            }
        }

        if (state.Test is { } test && TryLoad(chip, flash, test, log) is { } testApp)
        {
            log.Warn(Tag, "Falling back to test app as only bootable partition");
            return Jump(testApp, log);
        }

        log.Error(Tag, "No bootable app partitions in the partition table");
        return null;
    }

    private static LoadedApp? TryIndex(ChipSpec chip, NorFlash flash, BootState state, int index, BootTranscript log)
    {
        if (state.Partition(index) is not { Size: > 0 } partition)
        {
            return null;
        }

        if (TryLoad(chip, flash, partition, log) is { } app)
        {
            SetActualOtaSequence(flash, state, index, log);
            return Jump(app, log);
        }

        log.Error(Tag, index switch
        {
            FactoryIndex => "Factory app partition is not bootable",
            TestIndex => "Factory test app partition is not bootable",
            _ => $"OTA app partition slot {index} is not bootable",
        });
        return null;
    }

    private static LoadedApp? TryLoad(ChipSpec chip, NorFlash flash, PartitionTableEntry partition, BootTranscript log)
    {
        var app = AppImageLoad.Load(chip, flash, partition, log);
        if (app is not null)
        {
            log.Info(Tag, string.Create(CultureInfo.InvariantCulture, $"Loaded app from partition at offset 0x{partition.Offset:x}"));
        }

        return app;
    }

    /// <summary>With erased otadata and no factory app, a successful OTA-slot boot records itself in otadata[0].</summary>
    private static void SetActualOtaSequence(NorFlash flash, BootState state, int index, BootTranscript log)
    {
        if (index <= FactoryIndex || !state.OtaHasInitialContents || state.OtaData is not { } otadata)
        {
            return;
        }

        uint sequence = (uint)index + 1;
        flash.Erase(otadata.Offset, NorFlash.SectorSize);
        flash.Program(otadata.Offset, OtaSelectEntry.Build(sequence, OtaSelectEntry.StateValid));
        log.Work(TimeSpan.FromMilliseconds(45));
        log.Info(Tag, string.Create(CultureInfo.InvariantCulture, $"Set actual ota_seq={sequence} in otadata[0]"));
    }

    private static LoadedApp Jump(LoadedApp app, BootTranscript log)
    {
        log.Info(Tag, "Disabling RNG early entropy source...");
        return app;
    }

    /// <summary>ESP32-family size nibble → bytes (0 = 1 MB … 7 = 128 MB).</summary>
    internal static uint SizeBytes(byte sizeCode) => (1u << 20) << Math.Min(sizeCode >> 4, 7);

    /// <summary>The header's frequency nibble as the bootloader names it (ESP32 family: 0 = 40MHz, 1 = 26.7MHz, 2 = 20MHz, F = 80MHz).</summary>
    private static string SpeedName(ChipSpec chip, byte code)
    {
        string? name = chip.FlashFrequencies.FirstOrDefault(f => f.Value == code).Key;
        return name switch
        {
            null => "20MHz",
            "26m" => "26.7MHz",
            _ => name[..^1] + "MHz",
        };
    }

    /// <summary>What the bootloader remembers from the table (<c>bootloader_state_t</c>).</summary>
    private sealed class BootState
    {
        private readonly PartitionTableEntry?[] _ota = new PartitionTableEntry?[16];

        public BootState(PartitionTable table)
        {
            foreach (var e in table.Entries)
            {
                if (e.Type == PartitionType.App)
                {
                    if (e.Subtype == PartitionSubtype.Factory)
                    {
                        Factory = e;
                    }
                    else if (e.Subtype == PartitionSubtype.Test)
                    {
                        Test = e;
                    }
                    else if (e.IsOtaApp)
                    {
                        _ota[e.OtaSlot] = e;
                        AppCount++;
                    }
                }
                else if (e.Type == PartitionType.Data && e.Subtype == PartitionSubtype.OtaData)
                {
                    OtaData = e;
                }
            }
        }

        public PartitionTableEntry? Factory { get; }

        public PartitionTableEntry? Test { get; }

        public PartitionTableEntry? OtaData { get; }

        public int AppCount { get; }

        public bool OtaHasInitialContents { get; set; }

        public PartitionTableEntry? Partition(int index) => index switch
        {
            FactoryIndex => Factory,
            TestIndex => Test,
            >= 0 and < 16 => _ota[index],
            _ => null,
        };
    }
}
