using Station.Protocol.Chips;
using Station.Simulator.Efuse;

namespace Station.Simulator.Registers;

/// <summary>
/// The registers a loader client reads and writes (esp-serial-protocol.md §10, §15): the chip-detect
/// magic at 0x40001000, UART_CLKDIV (follows the device baud), the MAC eFuse words, the SPI
/// user-command engine, and plain storage for anything written. On ESP32 the eFuse controller's window
/// (0x3FF5A000–0x3FF5A1FF) is the <see cref="Esp32EfuseController"/> over the board's fuse array, which
/// holds the MAC; other chips keep their MAC words as fixed registers. Everything never written reads 0,
/// which makes esptool describe e.g. "ESP32-D0WDQ6 (revision v0.0)", no secure boot, no encryption.
/// </summary>
/// <remarks>
/// One deliberate exception on ESP32: esptool's ROM baud change estimates the crystal the ROM believes
/// in from RTCCALICFG1 (0x3FF5F06C) and eFuse word 4 (CK8M_FREQ) and scales the requested baud by it.
/// With both at 0 it would send baud 0, so we model a calibrated ROM: CK8M_FREQ = 80 (burned in the
/// factory fuse array) and RTC_CALI_VALUE = 1280 give exactly 1280 × 15625 × 80 / 40 = 40 MHz, i.e. no correction.
/// </remarks>
internal sealed class RegisterFile
{
    private const uint SpiCmdUser = 1u << 18;
    private const byte JedecReadId = 0x9F;
    private const uint Esp32RtcCaliConfig1 = 0x3FF5_F06C;

    private readonly ChipSpec _chip;
    private readonly Func<int> _baud;
    private readonly uint _jedecId;
    private readonly Dictionary<uint, uint> _written = [];
    private readonly Dictionary<uint, uint> _readOnly = [];
    private readonly Esp32EfuseController? _efuse;

    /// <param name="efuse">The board's fuse array; required on ESP32, ignored elsewhere.</param>
    public RegisterFile(ChipSpec chip, MacAddress mac, FlashId flashId, Func<int> baud, Esp32EfuseArray? efuse = null)
    {
        _chip = chip;
        _baud = baud;
        _jedecId = flashId.Raw;
        _readOnly[ChipCatalogue.MagicRegister] = chip.MagicValues[0];
        if (chip.Kind == ChipKind.Esp32)
        {
            _efuse = new Esp32EfuseController(efuse ?? throw new ArgumentNullException(nameof(efuse), "An ESP32 needs its board's fuse array."));
            _readOnly[Esp32RtcCaliConfig1] = 1280u << 7;
            return;
        }

        foreach (var (address, value) in MacEfuseWords.Encode(chip, mac))
        {
            _readOnly[address] = value;
        }
    }

    /// <summary>Crystal frequency of the simulated board: the chip's fixed one, else 40 MHz (26 MHz on ESP8266).</summary>
    public int CrystalMhz => _chip.FixedCrystalMhz ?? (_chip.Kind == ChipKind.Esp8266 ? 26 : 40);

    /// <summary>UART source clock: esptool's crystal estimate divides by XTAL_CLK_DIVIDER (2 on ESP8266).</summary>
    public long UartClockHz => (long)CrystalMhz * 1_000_000 * Math.Max(1, _chip.XtalClockDivider);

    /// <summary>A chip reset: peripherals with reset behaviour (the ESP32 eFuse controller) start over.</summary>
    public void Reset() => _efuse?.Reset();

    public uint Read(uint address)
    {
        if (_efuse is not null && Esp32EfuseRegisters.InWindow(address))
        {
            return _efuse.Read(address);
        }

        if (address == _chip.UartClockDivider)
        {
            // esptool: crystal ≈ baud × (CLKDIV & 0xFFFFF) / 1e6 / XTAL_DIV → 347 at 115200 (40 MHz), 451 on ESP8266.
            return (uint)Math.Round((double)UartClockHz / _baud()) & 0xF_FFFF;
        }

        if (_readOnly.TryGetValue(address, out uint fixedValue))
        {
            return fixedValue;
        }

        return _written.GetValueOrDefault(address);
    }

    /// <summary>WRITE_REG semantics: <c>v = value &amp; mask | old &amp; ~mask</c>; read-only registers ignore writes.</summary>
    public void Write(uint address, uint value, uint mask)
    {
        if (_efuse is not null && Esp32EfuseRegisters.InWindow(address))
        {
            _efuse.Write(address, value, mask);
            return;
        }

        if (_readOnly.ContainsKey(address) || address == _chip.UartClockDivider)
        {
            return;
        }

        uint old = _written.GetValueOrDefault(address);
        uint merged = (value & mask) | (old & ~mask);
        _written[address] = merged;
        if (address == _chip.Spi.Cmd && (merged & SpiCmdUser) != 0)
        {
            RunSpiUserCommand();
        }
    }

    /// <summary>
    /// The SPI user-command engine (§10.3): the command byte is USR2's low byte; RDID (0x9F) puts the
    /// JEDEC id in W0, anything else reads 0 (so esptool's SFDP probe finds no XMC part). Clearing
    /// SPI_CMD_USR ends the client's poll.
    /// </summary>
    private void RunSpiUserCommand()
    {
        byte command = (byte)_written.GetValueOrDefault(_chip.Spi.Usr2);
        _written[_chip.Spi.W0] = command == JedecReadId ? _jedecId : 0;
        _written[_chip.Spi.Cmd] &= ~SpiCmdUser;
    }
}
