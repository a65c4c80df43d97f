namespace Station.Protocol.Chips;

public enum ChipKind
{
    Esp8266,
    Esp32,
    Esp32S2,
    Esp32S3,
    Esp32C2,
    Esp32C3,
    Esp32C6,
    Esp32H2,
    Esp32C5,
    Esp32C61,
    Esp32P4,
}

/// <summary>The ROM loader generation: it decides status length and which commands exist.</summary>
public enum RomFamily
{
    /// <summary>2 status bytes; no SPI_ATTACH, SPI_SET_PARAMS, CHANGE_BAUDRATE, MD5, READ_FLASH_SLOW or compression.</summary>
    Esp8266,

    /// <summary>The original ESP32 ROM: 4 status bytes, 4-word FLASH_BEGIN, no GET_SECURITY_INFO.</summary>
    Esp32,

    /// <summary>ESP32-S2 and newer ROMs: 4 status bytes, FLASH_BEGIN takes a fifth "encrypted" word.</summary>
    Esp32S2OrNewer,
}

/// <summary>The SPI controller registers used to run a user command (e.g. JEDEC RDID 0x9F).</summary>
public sealed record SpiRegisters(
    uint Base,
    uint UsrOffset,
    uint Usr1Offset,
    uint Usr2Offset,
    uint? MosiDataLengthOffset,
    uint? MisoDataLengthOffset,
    uint W0Offset,
    bool AddressMsbAligned)
{
    public uint Cmd => Base;
    public uint Addr => Base + 0x04;
    public uint Usr => Base + UsrOffset;
    public uint Usr1 => Base + Usr1Offset;
    public uint Usr2 => Base + Usr2Offset;
    public uint W0 => Base + W0Offset;
    public uint? MosiDataLength => MosiDataLengthOffset is { } o ? Base + o : null;
    public uint? MisoDataLength => MisoDataLengthOffset is { } o ? Base + o : null;

    /// <summary>ESP8266 sets both bit lengths in USR1; newer chips have dedicated MOSI/MISO length registers.</summary>
    public bool HasDataLengthRegisters => MosiDataLengthOffset.HasValue;
}

/// <summary>Where the factory MAC lives in eFuse and how its bytes are ordered.</summary>
/// <param name="Mac0">Lower word (ESP32: eFuse word 1; newer: BLOCK1 word 0).</param>
/// <param name="Mac1">Upper word (ESP32: eFuse word 2; newer: BLOCK1 word 1).</param>
/// <param name="Esp8266Mac3">ESP8266 only: the OUI word.</param>
/// <param name="HasEui64">ESP32-C6/H2 expose the two extra EUI-64 bytes in the top half of Mac1.</param>
public sealed record MacRegisters(uint Mac0, uint Mac1, uint? Esp8266Mac3 = null, bool HasEui64 = false);

/// <summary>One bit field in an eFuse read register.</summary>
public readonly record struct EfuseField(uint Address, int Shift, uint Mask)
{
    public uint Extract(uint word) => (word >> Shift) & Mask;

    public int Width => 32 - System.Numerics.BitOperations.LeadingZeroCount(Mask);
}

/// <summary>How a chip's revision is read from eFuse: fields concatenated most significant first.</summary>
public sealed record RevisionFields(EfuseField[] Major, EfuseField[] Minor);

/// <summary>Everything the station needs to know about one chip, as data.</summary>
public sealed record ChipSpec
{
    public required ChipKind Kind { get; init; }

    /// <summary>Display name, e.g. "ESP32-S3".</summary>
    public required string Name { get; init; }

    /// <summary>Lower-case key used for stub files and on the command line, e.g. "esp32s3".</summary>
    public required string Key { get; init; }

    public required RomFamily Rom { get; init; }

    /// <summary>Values the ROM returns when reading <see cref="ChipCatalogue.MagicRegister"/>.</summary>
    public required uint[] MagicValues { get; init; }

    /// <summary>Chip id in image headers and GET_SECURITY_INFO; null on ESP8266.</summary>
    public required ushort? ImageChipId { get; init; }

    /// <summary>GET_SECURITY_INFO result length in ROM: 0 = unsupported, 12 (ESP32-S2) or 20.</summary>
    public required int SecurityInfoLength { get; init; }

    public required uint EfuseBase { get; init; }

    public required MacRegisters Mac { get; init; }

    public required SpiRegisters Spi { get; init; }

    public required uint UartClockDivider { get; init; }

    /// <summary>UART_DATE_REG: the harmless target of esptool's "delay after" register write.</summary>
    public required uint UartDate { get; init; }

    /// <summary>Divider between the crystal and the UART clock when the crystal is measured; 0 when fixed.</summary>
    public int XtalClockDivider { get; init; } = 1;

    /// <summary>Crystal frequency when the chip has a fixed one (MHz); null when it must be measured.</summary>
    public int? FixedCrystalMhz { get; init; }

    public required uint BootloaderOffset { get; init; }

    /// <summary>Flash frequency name → image header nibble.</summary>
    public required IReadOnlyDictionary<string, byte> FlashFrequencies { get; init; }

    public RevisionFields? Revision { get; init; }

    /// <summary>Features every unit of this chip has (ESP32 adds eFuse-derived ones).</summary>
    public required string[] Features { get; init; }

    public int StatusLength => Rom == RomFamily.Esp8266 ? 2 : 4;

    /// <summary>Flash size name → image header high nibble (shifted into place).</summary>
    public IReadOnlyDictionary<string, byte> FlashSizes =>
        Rom == RomFamily.Esp8266 ? FlashCodes.Esp8266Sizes : FlashCodes.Esp32Sizes;

    public override string ToString() => Name;
}
