namespace Station.Protocol.Chips;

/// <summary>
/// The chips the station knows, as data. Each entry diffs cleanly against esptool's target
/// constants and the datasheets; see esp-serial-protocol.md §9–§13 for the sources.
/// </summary>
public static class ChipCatalogue
{
    /// <summary>READ_REG of this address identifies the chip family on every ROM.</summary>
    public const uint MagicRegister = 0x4000_1000;

    // SPI register layouts shared by several chips.
    private static readonly SpiRegisters Esp8266Spi = new(0x6000_0200, 0x1C, 0x20, 0x24, null, null, 0x40, AddressMsbAligned: true);
    private static readonly SpiRegisters Esp32Spi = new(0x3FF4_2000, 0x1C, 0x20, 0x24, 0x28, 0x2C, 0x80, AddressMsbAligned: true);

    private static SpiRegisters ModernSpi(uint @base) => new(@base, 0x18, 0x1C, 0x20, 0x24, 0x28, 0x58, AddressMsbAligned: false);

    private static MacRegisters Block1Mac(uint efuseBase, bool eui64 = false) => new(efuseBase + 0x44, efuseBase + 0x48, HasEui64: eui64);

    private static EfuseField Field(uint address, int shift, uint mask) => new(address, shift, mask);

    public static readonly ChipSpec Esp8266 = new()
    {
        Kind = ChipKind.Esp8266, Name = "ESP8266", Key = "esp8266", Rom = RomFamily.Esp8266,
        MagicValues = [0xFFF0_C101], ImageChipId = null, SecurityInfoLength = 0,
        EfuseBase = 0x3FF0_0050,
        Mac = new MacRegisters(0x3FF0_0050, 0x3FF0_0054, Esp8266Mac3: 0x3FF0_005C),
        Spi = Esp8266Spi, UartClockDivider = 0x6000_0014, UartDate = 0x6000_0078, XtalClockDivider = 2,
        BootloaderOffset = 0x0, FlashFrequencies = FlashCodes.CommonFrequencies, Features = ["WiFi"],
    };

    public static readonly ChipSpec Esp32 = new()
    {
        Kind = ChipKind.Esp32, Name = "ESP32", Key = "esp32", Rom = RomFamily.Esp32,
        MagicValues = [0x00F0_1D83], ImageChipId = 0, SecurityInfoLength = 0,
        EfuseBase = 0x3FF5_A000,
        Mac = new MacRegisters(0x3FF5_A004, 0x3FF5_A008),
        Spi = Esp32Spi, UartClockDivider = 0x3FF4_0014, UartDate = 0x6000_0078, XtalClockDivider = 1,
        BootloaderOffset = 0x1000, FlashFrequencies = FlashCodes.CommonFrequencies, Features = ["WiFi"],
    };

    public static readonly ChipSpec Esp32S2 = new()
    {
        Kind = ChipKind.Esp32S2, Name = "ESP32-S2", Key = "esp32s2", Rom = RomFamily.Esp32S2OrNewer,
        MagicValues = [0x0000_07C6], ImageChipId = 2, SecurityInfoLength = 12,
        EfuseBase = 0x3F41_A000, Mac = Block1Mac(0x3F41_A000),
        Spi = ModernSpi(0x3F40_2000), UartClockDivider = 0x3F40_0014, UartDate = 0x6000_0078,
        FixedCrystalMhz = 40, BootloaderOffset = 0x1000, FlashFrequencies = FlashCodes.CommonFrequencies, Features = ["WiFi"],
        Revision = new(
            Major: [Field(0x3F41_A044 + 12, 18, 0x3)],
            Minor: [Field(0x3F41_A044 + 12, 20, 0x1), Field(0x3F41_A044 + 16, 4, 0x7)]),
    };

    public static readonly ChipSpec Esp32S3 = new()
    {
        Kind = ChipKind.Esp32S3, Name = "ESP32-S3", Key = "esp32s3", Rom = RomFamily.Esp32S2OrNewer,
        MagicValues = [0x0000_0009], ImageChipId = 9, SecurityInfoLength = 20,
        EfuseBase = 0x6000_7000, Mac = Block1Mac(0x6000_7000),
        Spi = ModernSpi(0x6000_2000), UartClockDivider = 0x6000_0014, UartDate = 0x6000_0080,
        FixedCrystalMhz = 40, BootloaderOffset = 0x0, FlashFrequencies = FlashCodes.CommonFrequencies, Features = ["WiFi", "BLE"],
        Revision = Block1Revision(0x6000_7044),
    };

    public static readonly ChipSpec Esp32C2 = new()
    {
        Kind = ChipKind.Esp32C2, Name = "ESP32-C2", Key = "esp32c2", Rom = RomFamily.Esp32S2OrNewer,
        MagicValues = [0x6F51_306F, 0x7C41_A06F, 0x0C21_E06F], ImageChipId = 12, SecurityInfoLength = 20,
        EfuseBase = 0x6000_8800, Mac = new MacRegisters(0x6000_8840, 0x6000_8844),
        Spi = ModernSpi(0x6000_2000), UartClockDivider = 0x6000_0014, UartDate = 0x6000_007C, XtalClockDivider = 1,
        BootloaderOffset = 0x0, FlashFrequencies = FlashCodes.C2Frequencies, Features = ["WiFi", "BLE"],
        Revision = new(Major: [Field(0x6000_8844, 20, 0x3)], Minor: [Field(0x6000_8844, 16, 0xF)]),
    };

    public static readonly ChipSpec Esp32C3 = new()
    {
        Kind = ChipKind.Esp32C3, Name = "ESP32-C3", Key = "esp32c3", Rom = RomFamily.Esp32S2OrNewer,
        MagicValues = [0x6921_506F, 0x1B31_506F, 0x4881_606F, 0x4361_606F], ImageChipId = 5, SecurityInfoLength = 20,
        EfuseBase = 0x6000_8800, Mac = Block1Mac(0x6000_8800),
        Spi = ModernSpi(0x6000_2000), UartClockDivider = 0x6000_0014, UartDate = 0x6000_007C,
        FixedCrystalMhz = 40, BootloaderOffset = 0x0, FlashFrequencies = FlashCodes.CommonFrequencies, Features = ["WiFi", "BLE"],
        Revision = Block1Revision(0x6000_8844),
    };

    public static readonly ChipSpec Esp32C6 = new()
    {
        Kind = ChipKind.Esp32C6, Name = "ESP32-C6", Key = "esp32c6", Rom = RomFamily.Esp32S2OrNewer,
        MagicValues = [0x2CE0_806F], ImageChipId = 13, SecurityInfoLength = 20,
        EfuseBase = 0x600B_0800, Mac = Block1Mac(0x600B_0800, eui64: true),
        Spi = ModernSpi(0x6000_3000), UartClockDivider = 0x6000_0014, UartDate = 0x6000_007C,
        FixedCrystalMhz = 40, BootloaderOffset = 0x0, FlashFrequencies = FlashCodes.C6Frequencies,
        Features = ["WiFi 6", "BT 5", "IEEE802.15.4"],
        Revision = new(Major: [Field(0x600B_0850, 22, 0x3)], Minor: [Field(0x600B_0850, 18, 0xF)]),
    };

    public static readonly ChipSpec Esp32H2 = new()
    {
        Kind = ChipKind.Esp32H2, Name = "ESP32-H2", Key = "esp32h2", Rom = RomFamily.Esp32S2OrNewer,
        MagicValues = [0xD7B7_3E80], ImageChipId = 16, SecurityInfoLength = 20,
        EfuseBase = 0x600B_0800, Mac = Block1Mac(0x600B_0800, eui64: true),
        Spi = ModernSpi(0x6000_3000), UartClockDivider = 0x6000_0014, UartDate = 0x6000_007C,
        FixedCrystalMhz = 32, BootloaderOffset = 0x0, FlashFrequencies = FlashCodes.H2Frequencies,
        Features = ["BLE", "IEEE802.15.4"],
        Revision = new(Major: [Field(0x600B_0850, 21, 0x3)], Minor: [Field(0x600B_0850, 18, 0x7)]),
    };

    public static readonly ChipSpec Esp32C5 = new()
    {
        Kind = ChipKind.Esp32C5, Name = "ESP32-C5", Key = "esp32c5", Rom = RomFamily.Esp32S2OrNewer,
        MagicValues = [0x1101_406F], ImageChipId = 23, SecurityInfoLength = 20,
        EfuseBase = 0x600B_4800, Mac = Block1Mac(0x600B_4800, eui64: true),
        Spi = ModernSpi(0x6000_3000), UartClockDivider = 0x6000_0014, UartDate = 0x6000_007C, XtalClockDivider = 1,
        BootloaderOffset = 0x0, FlashFrequencies = FlashCodes.C5Frequencies, Features = ["WiFi 6 (dual-band)", "BT 5", "IEEE802.15.4"],
    };

    public static readonly ChipSpec Esp32C61 = new()
    {
        Kind = ChipKind.Esp32C61, Name = "ESP32-C61", Key = "esp32c61", Rom = RomFamily.Esp32S2OrNewer,
        MagicValues = [0x33F0_206F, 0x2421_606F], ImageChipId = 20, SecurityInfoLength = 20,
        EfuseBase = 0x600B_4800, Mac = Block1Mac(0x600B_4800),
        Spi = ModernSpi(0x6000_3000), UartClockDivider = 0x6000_0014, UartDate = 0x6000_007C,
        FixedCrystalMhz = 40, BootloaderOffset = 0x0, FlashFrequencies = FlashCodes.C5Frequencies, Features = ["WiFi 6", "BT 5"],
    };

    public static readonly ChipSpec Esp32P4 = new()
    {
        Kind = ChipKind.Esp32P4, Name = "ESP32-P4", Key = "esp32p4", Rom = RomFamily.Esp32S2OrNewer,
        MagicValues = [0x0000_0000, 0x0ADD_BAD0], ImageChipId = 18, SecurityInfoLength = 20,
        EfuseBase = 0x5012_D000, Mac = Block1Mac(0x5012_D000),
        Spi = ModernSpi(0x5008_D000), UartClockDivider = 0x3FF4_0014, UartDate = 0x500C_A08C,
        FixedCrystalMhz = 40, BootloaderOffset = 0x2000, FlashFrequencies = FlashCodes.CommonFrequencies,
        Features = ["High-Performance MCU"],
    };

    public static IReadOnlyList<ChipSpec> All { get; } =
        [Esp8266, Esp32, Esp32S2, Esp32S3, Esp32C2, Esp32C3, Esp32C6, Esp32H2, Esp32C5, Esp32C61, Esp32P4];

    public static ChipSpec Get(ChipKind kind) => All.First(c => c.Kind == kind);

    /// <summary>Finds a chip by key or display name ("esp32s3", "ESP32-S3", "esp32-s3").</summary>
    public static bool TryFind(string name, out ChipSpec chip)
    {
        string wanted = Normalize(name);
        chip = All.FirstOrDefault(c => Normalize(c.Key) == wanted)!;
        return chip is not null;
    }

    /// <summary>The chip whose ROM returns <paramref name="magic"/> at the magic register.</summary>
    /// <remarks>ESP32-P4 lists 0 as a magic value; a magic of 0 is ambiguous and only the P4 claims it.</remarks>
    public static ChipSpec? ByMagic(uint magic) => All.FirstOrDefault(c => c.MagicValues.Contains(magic));

    /// <summary>The chip with this image / security-info chip id (ESP32-S2 and newer).</summary>
    public static ChipSpec? ByImageChipId(uint chipId) =>
        All.FirstOrDefault(c => c.ImageChipId == chipId && c.SecurityInfoLength == 20);

    private static string Normalize(string name) => name.Replace("-", "", StringComparison.Ordinal).Trim().ToLowerInvariant();

    // S3/C3: major = word5[25:24]; minor = word5[23] : word3[20:18].
    private static RevisionFields Block1Revision(uint block1) => new(
        Major: [Field(block1 + 20, 24, 0x3)],
        Minor: [Field(block1 + 20, 23, 0x1), Field(block1 + 12, 18, 0x7)]);
}
