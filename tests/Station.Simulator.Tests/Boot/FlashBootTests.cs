using System.Text.RegularExpressions;
using Station.Protocol.Chips;
using Station.Protocol.Images;
using Station.Simulator.Boot;
using Station.Simulator.Device;
using Station.Simulator.Tests.Support;

namespace Station.Simulator.Tests.Boot;

/// <summary>The ESP-IDF boot from flash as text (FlashBoot.Run is pure: flash in, transcript out).</summary>
public sealed partial class FlashBootTests
{
    [Fact]
    public void Run_GoodImage_PrintsTheV5BootLogWithProjectAndVersion()
    {
        var device = Firmware.Device(ChipCatalogue.Esp32, app: Firmware.App(ChipCatalogue.Esp32));

        var boot = Boot(device);
        string[] lines = Lines(boot);

        Assert.Equal(FlashBootOutcome.AppRunning, boot.Outcome);
        Assert.Equal("test-app 2.3.4 from 0x10000", boot.Detail);
        Assert.Equal(
        [
            "boot: ESP-IDF v5.4.1 2nd stage bootloader",
            "boot: compile time Jan  6 2025 16:07:11",
            "boot: Multicore bootloader",
            "boot: chip revision: v0.0",
            "boot.esp32: SPI Speed      : 40MHz",
            "boot.esp32: SPI Mode       : DIO",
            "boot.esp32: SPI Flash Size : 4MB",
            "boot: Enabling RNG early entropy source...",
            "boot: Partition Table:",
            "boot: ## Label            Usage          Type ST Offset   Length",
            "boot:  0 nvs              WiFi data        01 02 00009000 00006000",
            "boot:  1 phy_init         RF data          01 01 0000f000 00001000",
            "boot:  2 factory          factory app      00 00 00010000 00100000",
            "boot: End of partition table",
            "esp_image: segment 0: paddr=00010020 vaddr=3f400020 size=00400h (  1024) map",
            "esp_image: segment 1: paddr=00010428 vaddr=40080000 size=0fbf0h ( 64496) load",
            "esp_image: segment 2: paddr=00020020 vaddr=400d0020 size=00800h (  2048) map",
            "boot: Loaded app from partition at offset 0x10000",
            "boot: Disabling RNG early entropy source...",
            "cpu_start: Multicore app",
            "cpu_start: Pro cpu start user code",
            "cpu_start: cpu freq: 160000000 Hz",
            "app_init: Application information:",
            "app_init: Project name:     test-app",
            "app_init: App version:      2.3.4",
            "app_init: Compile time:     Feb 29 2024 23:59:58",
            "app_init: ELF file SHA256:  " + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("elf"u8))[..9] + "...",
            "app_init: ESP-IDF:          v5.4.1",
            "efuse_init: Min chip rev:     v0.0",
            "efuse_init: Max chip rev:     v3.99 ",
            "efuse_init: Chip rev:         v0.0",
            "spi_flash: detected chip: winbond",
            "spi_flash: flash io: dio",
            "main_task: Started on CPU0",
            "main_task: Calling app_main()",
        ], LogLines(lines).Select(l => l.Message));
    }

    [Fact]
    public void Run_GoodImage_RomPartAndIncreasingTimestamps()
    {
        var device = Firmware.Device(ChipCatalogue.Esp32, app: Firmware.App(ChipCatalogue.Esp32));

        var boot = Boot(device);
        var log = LogLines(Lines(boot));

        Assert.StartsWith(
            "ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\nconfigsip: 0, SPIWP:0xee\r\n" +
            "clk_drv:0x00,q_drv:0x00,d_drv:0x00,cs0_drv:0x00,hd_drv:0x00,wp_drv:0x00\r\nmode:DIO, clock div:2\r\n" +
            "load:0x3fff0030,len:64\r\nload:0x40078000,len:128\r\nentry 0x40080640\r\nI (", boot.Text, StringComparison.Ordinal);
        Assert.EndsWith(": Calling app_main()\r\n", boot.Text, StringComparison.Ordinal);
        Assert.InRange(log[0].Millis, 20, 40);
        Assert.True(log.Zip(log.Skip(1)).All(p => p.First.Millis <= p.Second.Millis), "timestamps never go back");
        Assert.InRange(log[^1].Millis, 100, 1000);
    }

    [Fact]
    public void Run_SameFlashTwice_SameText()
    {
        var device = Firmware.Device(ChipCatalogue.Esp32, app: Firmware.App(ChipCatalogue.Esp32));

        Assert.Equal(Boot(device).Text, Boot(device).Text);
    }

    [Fact]
    public void Run_Esp32S3_NewerBannerAndBootTags()
    {
        var chip = ChipCatalogue.Esp32S3;
        var device = Firmware.Device(chip, app: Firmware.App(chip));

        var boot = Boot(device, ResetCause.SoftwareReset);
        var messages = LogLines(Lines(boot)).Select(l => l.Message).ToList();

        Assert.StartsWith("ESP-ROM:esp32s3-20210327\r\nBuild:Mar 27 2021\r\nrst:0x3 (RTC_SW_SYS_RST),boot:0x8 (SPI_FAST_FLASH_BOOT)\r\nSaved PC:0x", boot.Text, StringComparison.Ordinal);
        Assert.Contains("SPIWP:0xee\r\nmode:DIO, clock div:1\r\nload:0x3fff0030,len:0x40\r\n", boot.Text, StringComparison.Ordinal);
        Assert.Contains("boot: Multicore bootloader", messages);
        Assert.Contains("boot: efuse block revision: v0.0", messages);
        Assert.Contains("boot.esp32s3: Boot SPI Speed : 40MHz", messages);
        Assert.Contains("boot.esp32s3: SPI Flash Size : 4MB", messages);
        Assert.Contains("esp_image: segment 2: paddr=00020020 vaddr=42000020 size=00800h (  2048) map", messages);
        Assert.Contains("cpu_start: Multicore app", messages);
        Assert.Contains("efuse_init: Max chip rev:     v0.99 ", messages);
    }

    [Fact]
    public void Run_Esp32C3_SingleCoreShape()
    {
        var chip = ChipCatalogue.Esp32C3;
        var device = Firmware.Device(chip, app: Firmware.App(chip));

        var messages = LogLines(Lines(Boot(device))).Select(l => l.Message).ToList();

        Assert.DoesNotContain(messages, m => m.Contains("Multicore", StringComparison.Ordinal));
        Assert.Contains("boot.esp32c3: SPI Speed      : 40MHz", messages);
        Assert.Contains("cpu_start: Unicore app", messages);
        Assert.Contains("app_init: App version:      2.3.4", messages);
    }

    [Fact]
    public void Run_ErasedFlash_RomInvalidHeaderAndHalts()
    {
        var device = new SimulatedDevice(new DeviceOptions { Chip = ChipCatalogue.Esp32 });

        var boot = Boot(device);

        Assert.Equal(FlashBootOutcome.Halted, boot.Outcome);
        Assert.EndsWith("rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\ninvalid header: 0xffffffff\r\n", boot.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_GarbagePartitionTable_FailedToVerifyThenReset()
    {
        var device = Firmware.Device(ChipCatalogue.Esp32, app: Firmware.App(ChipCatalogue.Esp32));
        device.Flash.Erase(Firmware.TableOffset, 0x1000);
        device.Flash.Program(Firmware.TableOffset, [0x0A, 0x0A]);

        var boot = Boot(device);

        Assert.Equal(FlashBootOutcome.ResetLoop, boot.Outcome);
        Assert.Equal(
            ["E flash_parts: partition 0 invalid magic number 0xa0a", "E boot: Failed to verify partition table", "E boot: load partition table error!"],
            LogLines(Lines(boot)).TakeLast(3).Select(l => $"{l.Level} {l.Message}"));
        Assert.Matches(@"^E \(\d+\) boot: load partition table error!$", boot.Detail);
    }

    [Fact]
    public void Run_ErasedPartitionTable_IsAnEmptyTableWithNothingBootable()
    {
        // 32 × 0xFF is the end marker, so the bootloader accepts an erased table as empty.
        var device = Firmware.Device(ChipCatalogue.Esp32, app: Firmware.App(ChipCatalogue.Esp32));
        device.Flash.Erase(Firmware.TableOffset, 0x1000);

        var boot = Boot(device);

        Assert.Equal(FlashBootOutcome.ResetLoop, boot.Outcome);
        Assert.Equal(
            ["I boot: ## Label            Usage          Type ST Offset   Length", "I boot: End of partition table", "E boot: No bootable app partitions in the partition table"],
            LogLines(Lines(boot)).TakeLast(3).Select(l => $"{l.Level} {l.Message}"));
    }

    [Fact]
    public void Run_TableChangedAfterItsMd5_IncorrectMd5Checksum()
    {
        var device = Firmware.Device(ChipCatalogue.Esp32, app: Firmware.App(ChipCatalogue.Esp32));
        device.Flash.Program(Firmware.TableOffset + 9, [0x00]);

        Assert.Contains("E flash_parts: Incorrect MD5 checksum", Errors(Boot(device)));
    }

    [Fact]
    public void Run_PartitionBeyondHeaderFlashSize_ExceedsFlashChipSize()
    {
        var device = Firmware.Device(ChipCatalogue.Esp32, PartitionTable.SingleFactoryApp(appSize: 0x40_0000), Firmware.App(ChipCatalogue.Esp32));

        Assert.Contains("E flash_parts: partition 2 invalid - offset 0x10000 size 0x400000 exceeds flash chip size 0x400000", Errors(Boot(device)));
    }

    [Fact]
    public void Run_NoApp_NothingFlashedHere()
    {
        var device = Firmware.Device(ChipCatalogue.Esp32);

        var boot = Boot(device);

        Assert.Equal(FlashBootOutcome.ResetLoop, boot.Outcome);
        Assert.Equal(
        [
            "E esp_image: image at 0x10000 has invalid magic byte (nothing flashed here?)",
            "E boot: Factory app partition is not bootable",
            "E boot: No bootable app partitions in the partition table",
        ], Errors(boot));
    }

    [Fact]
    public void Run_CorruptSegmentByte_ChecksumFailed()
    {
        byte[] app = Firmware.App(ChipCatalogue.Esp32);
        byte stored = app[EspImage.Parse(app, true).ChecksumOffset];
        byte computed = (byte)(stored ^ 0x01);
        app[0x500] ^= 0x01;
        var device = Firmware.Device(ChipCatalogue.Esp32, app: app);

        var boot = Boot(device);

        Assert.Contains($"E esp_image: Checksum failed. Calculated 0x{computed:x} read 0x{stored:x}", Errors(boot));
        Assert.Contains("I esp_image: segment 2: paddr=00020020 vaddr=400d0020 size=00800h (  2048) map", LogLines(Lines(boot)).Select(l => $"{l.Level} {l.Message}"));
        Assert.Equal("E boot: No bootable app partitions in the partition table", Errors(boot)[^1]);
    }

    [Fact]
    public void Run_ChangedHeaderByte_ImageHashFailed()
    {
        byte[] app = Firmware.App(ChipCatalogue.Esp32);
        app[2] = 0x03;
        var device = Firmware.Device(ChipCatalogue.Esp32, app: app);

        Assert.Equal(
            ["E esp_image: Image hash failed - image is corrupt", "E boot: Factory app partition is not bootable", "E boot: No bootable app partitions in the partition table"],
            Errors(Boot(device)));
    }

    [Fact]
    public void Run_AppForAnotherChip_MismatchChipId()
    {
        var device = Firmware.Device(ChipCatalogue.Esp32, app: Firmware.App(ChipCatalogue.Esp32, chipId: 9));

        Assert.Equal("E boot_comm: mismatch chip ID, expected 0, found 9", Errors(Boot(device))[0]);
    }

    [Fact]
    public void Run_MisalignedMappedSegment_DoesNotMatchData()
    {
        var chip = ChipCatalogue.Esp32;
        byte[] app = EspImageBuilder.Build(chip, 0x4008_0000, [new SegmentData(0x3F40_0000, new byte[256])]);
        var device = Firmware.Device(chip, app: app);

        Assert.Equal("E esp_image: Segment 0 load address 0x3f400000, doesn't match data 0x00010020", Errors(Boot(device))[0]);
    }

    [Fact]
    public void Run_ErasedOtaData_DefaultsToFactory()
    {
        var device = Firmware.Device(ChipCatalogue.Esp32, PartitionTable.FactoryAppTwoOta(), Firmware.App(ChipCatalogue.Esp32, version: "factory"));

        var boot = Boot(device);
        var messages = LogLines(Lines(boot)).Select(l => l.Message).ToList();

        Assert.Contains("boot:  1 otadata          OTA data         01 00 0000d000 00002000", messages);
        Assert.Contains("boot:  4 ota_0            OTA app          00 10 00110000 00100000", messages);
        Assert.Equal("boot: Defaulting to factory image", messages[messages.IndexOf("boot: End of partition table") + 1]);
        Assert.Equal("test-app factory from 0x10000", boot.Detail);
    }

    [Fact]
    public void Run_ValidOtaSequence2_BootsOtaSlot1()
    {
        var device = Firmware.Device(ChipCatalogue.Esp32, PartitionTable.FactoryAppTwoOta(), Firmware.App(ChipCatalogue.Esp32, version: "factory"));
        Firmware.Program(device.Flash, 0x21_0000, Firmware.App(ChipCatalogue.Esp32, version: "ota1"));
        Firmware.Program(device.Flash, 0xD000, OtaSelectEntry.Build(1, OtaSelectEntry.StateValid));
        Firmware.Program(device.Flash, 0xE000, OtaSelectEntry.Build(2, OtaSelectEntry.StateValid));

        var boot = Boot(device);

        Assert.Equal("test-app ota1 from 0x210000", boot.Detail);
        Assert.Contains("boot: Loaded app from partition at offset 0x210000", LogLines(Lines(boot)).Select(l => l.Message));
    }

    [Fact]
    public void Run_OtaSlotNotFlashed_FallsBackToFactory()
    {
        var device = Firmware.Device(ChipCatalogue.Esp32, PartitionTable.FactoryAppTwoOta(), Firmware.App(ChipCatalogue.Esp32, version: "factory"));
        Firmware.Program(device.Flash, 0xD000, OtaSelectEntry.Build(1, OtaSelectEntry.StateValid));

        var boot = Boot(device);

        Assert.Equal(["E esp_image: image at 0x110000 has invalid magic byte (nothing flashed here?)", "E boot: OTA app partition slot 0 is not bootable"], Errors(boot));
        Assert.Equal("test-app factory from 0x10000", boot.Detail);
    }

    [Fact]
    public void Run_OtaDataWithBadCrc_FallsBackToFactory()
    {
        var device = Firmware.Device(ChipCatalogue.Esp32, PartitionTable.FactoryAppTwoOta(), Firmware.App(ChipCatalogue.Esp32, version: "factory"));
        byte[] entry = OtaSelectEntry.Build(1, OtaSelectEntry.StateValid);
        entry[28] ^= 0xFF;
        Firmware.Program(device.Flash, 0xD000, entry);

        var boot = Boot(device);

        Assert.Equal(["E boot: ota data partition invalid, falling back to factory"], Errors(boot));
        Assert.Equal("test-app factory from 0x10000", boot.Detail);
    }

    [Fact]
    public void Run_NoFactoryAndErasedOtaData_BootsOta0AndRecordsIt()
    {
        var table = new PartitionTable(PartitionTable.FactoryAppTwoOta().Entries.Where(e => e.Subtype != PartitionSubtype.Factory || e.Type != PartitionType.App));
        var device = Firmware.Device(ChipCatalogue.Esp32, table);
        Firmware.Program(device.Flash, 0x11_0000, Firmware.App(ChipCatalogue.Esp32, version: "ota0"));

        var boot = Boot(device);
        var messages = LogLines(Lines(boot)).Select(l => l.Message).ToList();

        Assert.Contains("boot: No factory image, trying OTA 0", messages);
        Assert.Equal("boot: Set actual ota_seq=1 in otadata[0]", messages[messages.IndexOf("boot: Loaded app from partition at offset 0x110000") + 1]);
        Assert.Equal(OtaSelectEntry.Build(1, OtaSelectEntry.StateValid), device.Flash.Read(0xD000, 32));
        Assert.Equal("test-app ota0 from 0x110000", boot.Detail);
    }

    [Theory]
    [InlineData(1u, 0x4743_989Au)]
    [InlineData(2u, 0x55F6_3774u)]
    public void OtaSelectEntry_Crc_MatchesOtatool(uint sequence, uint crc)
    {
        Assert.Equal(crc, OtaSelectEntry.CrcOf(sequence));
        Assert.True(OtaSelectEntry.Parse(OtaSelectEntry.Build(sequence, OtaSelectEntry.StateValid)).IsValid);
    }

    [Fact]
    public void Run_FlashLargerThanAppHeader_SpiFlashWarns()
    {
        var chip = ChipCatalogue.Esp32;
        var device = new SimulatedDevice(new DeviceOptions { Chip = chip, FlashSize = 8 * 1024 * 1024 });
        Firmware.Program(device.Flash, chip.BootloaderOffset, Firmware.Bootloader(chip));
        Firmware.Program(device.Flash, Firmware.TableOffset, PartitionTable.SingleFactoryApp().ToBytes());
        Firmware.Program(device.Flash, 0x1_0000, Firmware.App(chip));

        var boot = Boot(device);

        Assert.Contains(
            "W spi_flash: Detected size(8192k) larger than the size in the binary image header(4096k). Using the size in the binary image header.",
            LogLines(Lines(boot)).Select(l => $"{l.Level} {l.Message}"));
    }

    internal static FlashBootResult Boot(SimulatedDevice device, ResetCause cause = ResetCause.PowerOn) =>
        FlashBoot.Run(device.Chip, device.Flash, device.FlashId, RomBanner.For(device.Chip, BootMode.Flash, cause));

    internal static string[] Lines(FlashBootResult boot) => boot.Text.Split("\r\n");

    /// <summary>IDF log lines: level, timestamp and "tag: message".</summary>
    internal static IReadOnlyList<(char Level, long Millis, string Message)> LogLines(IEnumerable<string> lines) =>
        lines.Select(l => LogLine().Match(l)).Where(m => m.Success)
            .Select(m => (m.Groups[1].Value[0], long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups[3].Value)).ToList();

    private static List<string> Errors(FlashBootResult boot) =>
        LogLines(Lines(boot)).Where(l => l.Level == 'E').Select(l => $"E {l.Message}").ToList();

    [GeneratedRegex(@"^([IWE]) \((\d+)\) (.*)$")]
    private static partial Regex LogLine();
}
