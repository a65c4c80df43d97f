using Station.Flashing.Device;
using Station.Flashing.Errors;
using Station.Protocol.Chips;

namespace Station.Flashing.Identify;

/// <summary>Reads MAC, revision, crystal and features from eFuse and UART registers.</summary>
public sealed class IdentityReader(Func<uint, CancellationToken, Task<uint>> readReg)
{
    // ESP32 (original) eFuse and system registers (esp-idf-images-and-efuse.md §1.5).
    private const uint Esp32EfuseWord3 = 0x3FF5_A00C;
    private const uint Esp32EfuseWord5 = 0x3FF5_A014;
    private const uint Esp32EfuseWord6 = 0x3FF5_A018;
    private const uint Esp32ApbCtlDate = 0x3FF6_607C;

    public async Task<DeviceIdentity> ReadAsync(ChipSpec chip, SecurityInfo? security, int baud, CancellationToken cancellationToken)
    {
        if (security?.SecureDownloadMode == true)
        {
            throw new FlashException(FlashErrors.SecureDownloadMode("reading the MAC address"));
        }

        var registers = MacDecoder.RegistersToRead(chip);
        var words = new uint[registers.Length];
        for (int i = 0; i < registers.Length; i++)
        {
            words[i] = await readReg(registers[i], cancellationToken).ConfigureAwait(false);
        }

        var mac = MacDecoder.Decode(chip, words);
        var features = new List<string>(chip.Features);
        string? revision;
        string description = chip.Name;
        if (chip.Kind == ChipKind.Esp32)
        {
            uint word3 = await readReg(Esp32EfuseWord3, cancellationToken).ConfigureAwait(false);
            uint word5 = await readReg(Esp32EfuseWord5, cancellationToken).ConfigureAwait(false);
            uint word6 = await readReg(Esp32EfuseWord6, cancellationToken).ConfigureAwait(false);
            uint apb = await readReg(Esp32ApbCtlDate, cancellationToken).ConfigureAwait(false);
            int major = Esp32Major(word3, word5, apb);
            int minor = (int)((word5 >> 24) & 0x3);
            revision = $"v{major}.{minor}";
            description = $"{Esp32Package(word3, major)} (revision {revision})";
            AddEsp32Features(features, word3, word6);
        }
        else if (chip.Revision is { } fields)
        {
            int major = await ReadFieldsAsync(fields.Major, cancellationToken).ConfigureAwait(false);
            int minor = await ReadFieldsAsync(fields.Minor, cancellationToken).ConfigureAwait(false);
            revision = $"v{major}.{minor}";
            description = $"{chip.Name} (revision {revision})";
        }
        else
        {
            revision = null;
        }

        return new DeviceIdentity
        {
            Chip = chip,
            Description = description,
            Revision = revision,
            Features = features,
            CrystalMhz = chip.FixedCrystalMhz ?? await MeasureCrystalAsync(chip, baud, cancellationToken).ConfigureAwait(false),
            Mac = mac,
            Eui64 = MacDecoder.DecodeEui64(chip, words),
            Security = security,
        };
    }

    /// <summary>Crystal from the UART divider the ROM chose for the current baud, normalised to 26/40/48 MHz.</summary>
    private async Task<int> MeasureCrystalAsync(ChipSpec chip, int baud, CancellationToken cancellationToken)
    {
        uint divider = await readReg(chip.UartClockDivider, cancellationToken).ConfigureAwait(false) & 0xF_FFFF;
        double mhz = baud * (double)divider / 1e6 / Math.Max(1, chip.XtalClockDivider);
        return mhz > 45 ? 48 : mhz > 33 ? 40 : 26;
    }

    private async Task<int> ReadFieldsAsync(EfuseField[] fields, CancellationToken cancellationToken)
    {
        int value = 0;
        foreach (var field in fields)
        {
            uint word = await readReg(field.Address, cancellationToken).ConfigureAwait(false);
            value = (value << field.Width) | (int)field.Extract(word);
        }

        return value;
    }

    private static int Esp32Major(uint word3, uint word5, uint apbCtlDate)
    {
        uint bits = ((apbCtlDate >> 31) << 2) | (((word5 >> 20) & 1) << 1) | ((word3 >> 15) & 1);
        return bits switch { 1 => 1, 3 => 2, 7 => 3, _ => 0 };
    }

    private static string Esp32Package(uint word3, int major)
    {
        uint package = ((word3 >> 9) & 0x7) + (((word3 >> 2) & 0x1) * 8);
        string name = package switch
        {
            0 => "ESP32-D0WDQ6",
            1 => "ESP32-D0WD",
            2 => "ESP32-D2WD",
            4 => "ESP32-U4WDH",
            5 => major == 3 ? "ESP32-PICO-V3" : "ESP32-PICO-D4",
            6 => "ESP32-PICO-V3-02",
            7 => "ESP32-D0WDR2-V3",
            _ => "ESP32 (unknown package)",
        };
        return major == 3 && package is 0 or 1 ? name + "-V3" : name;
    }

    private static void AddEsp32Features(List<string> features, uint word3, uint word6)
    {
        if ((word3 & 0x2) == 0)
        {
            features.Add("BT");
        }

        features.Add((word3 & 0x1) == 0 ? "Dual Core" : "Single Core");
        features.Add((word6 & 0x3) switch
        {
            1 => "Coding Scheme 3/4",
            2 => "Coding Scheme Repeat (unsupported)",
            _ => "Coding Scheme None",
        });
    }
}
