using Station.Protocol.Chips;
using Station.Protocol.Images;
using Station.Flashing.Write;

namespace Station.Cli.Demo;

/// <summary>
/// Structurally real images for the demo: a bootloader-shaped image at the chip's bootloader offset
/// and an application-shaped image at 0x10000, with deterministic contents (same bytes every run).
/// </summary>
public static class DemoImages
{
    public const uint AppAddress = 0x10000;

    public static IReadOnlyList<ImageSource> For(ChipSpec chip, int appSize = 256 * 1024)
    {
        var bootloader = EspImageBuilder.Build(chip, 0x4008_0400,
        [
            new SegmentData(0x3FFF_0030, Content(0xB001, 8 * 1024)),
            new SegmentData(0x4007_8000, Content(0xB002, 16 * 1024)),
        ]);
        var app = EspImageBuilder.Build(chip, 0x400D_0018,
        [
            new SegmentData(0x3F40_0020, Content(0xA001, appSize / 4)),
            new SegmentData(0x400D_0020, Content(0xA002, appSize / 2)),
        ]);
        return
        [
            new ImageSource(chip.BootloaderOffset, bootloader, "demo-bootloader.bin"),
            new ImageSource(AppAddress, app, "demo-app.bin"),
        ];
    }

    /// <summary>Code-like bytes: runs of repeated words mixed with noise, so compression is realistic.</summary>
    private static byte[] Content(int seed, int length)
    {
        var random = new Random(seed);
        var bytes = new byte[length];
        for (int i = 0; i < length; i += 4)
        {
            int word = random.Next(8) == 0 ? random.Next() : (i / 64) * 0x0101;
            BitConverter.TryWriteBytes(bytes.AsSpan(i), word);
        }

        return bytes;
    }
}
