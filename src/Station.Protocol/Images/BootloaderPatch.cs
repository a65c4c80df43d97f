using System.Security.Cryptography;
using Station.Protocol.Chips;

namespace Station.Protocol.Images;

/// <summary>
/// Writes flash mode, size and frequency into a bootloader image before flashing, the way
/// esptool does (esp-serial-protocol.md §13): only at the chip's bootloader offset, only for a valid
/// image, and with the appended SHA-256 recomputed so the ROM still accepts it.
/// </summary>
public static class BootloaderPatch
{
    /// <summary>
    /// Returns a patched copy of <paramref name="image"/>, or null when the rule says to leave it alone
    /// (other address, not an image, or everything kept).
    /// </summary>
    public static byte[]? Apply(ReadOnlySpan<byte> image, uint address, ChipSpec chip, FlashSettings settings)
    {
        if (address != chip.BootloaderOffset || settings.KeepsAll || image.IsEmpty || image[0] != EspImage.Magic)
        {
            return null;
        }

        bool extended = chip.Rom != RomFamily.Esp8266;
        if (!EspImage.TryParse(image, extended, out var parsed) || parsed is null)
        {
            return null;
        }

        var problems = settings.Validate(chip);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(settings));
        }

        byte[] patched = image.ToArray();
        if (settings.Mode is { } mode)
        {
            patched[2] = FlashCodes.Modes[mode];
        }

        byte sizeCode = settings.Size is { } size ? chip.FlashSizes[size] : (byte)(patched[3] & 0xF0);
        byte freqCode = settings.Frequency is { } freq ? chip.FlashFrequencies[freq] : (byte)(patched[3] & 0x0F);
        patched[3] = (byte)(sizeCode | freqCode);

        if (extended && parsed.HashAppended)
        {
            SHA256.HashData(patched.AsSpan(0, parsed.ChecksumOffset + 1), patched.AsSpan(parsed.HashOffset, EspImage.HashLength));
        }

        return patched;
    }
}
