using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Station.Flashing.Write;
using Station.Protocol.Chips;
using Station.Protocol.Images;

namespace Station.Cli.Demo;

/// <summary>The three files of a demo firmware, at the offsets esptool would write them.</summary>
public sealed record DemoImageSet(ChipSpec Chip, byte[] Bootloader, byte[] PartitionTable, byte[] App)
{
    public const string BootloaderName = "bootloader.bin";
    public const string PartitionTableName = "partition-table.bin";
    public const string AppName = "app.bin";

    public IReadOnlyList<ImageSource> Sources =>
    [
        new ImageSource(Chip.BootloaderOffset, Bootloader, BootloaderName),
        new ImageSource(DemoImages.PartitionTableAddress, PartitionTable, PartitionTableName),
        new ImageSource(DemoImages.AppAddress, App, AppName),
    ];
}

/// <summary>
/// A reproducible ESP-IDF-shaped firmware for demos, training and tests: a bootloader image at the
/// chip's bootloader offset, the built-in single-factory-app partition table at 0x8000, and an app at
/// 0x10000 whose DROM segment starts with an app descriptor naming the project and version, laid out
/// like a real build (<see cref="DemoLayout"/>). Contents are pseudo-code from a fixed-seed generator
/// and the descriptor carries fixed compile date and time, so the same arguments give the same bytes
/// on every run and machine. The simulator boots it to <c>App version:      1.0.0</c>.
/// </summary>
public static class DemoImages
{
    public const uint PartitionTableAddress = PartitionTable.DefaultOffset;
    public const uint AppAddress = 0x1_0000;
    public const string DefaultProject = "demo-app";
    public const string DefaultVersion = "1.0.0";
    public const string IdfVersion = "v5.4.1";
    public const string CompileDate = "Jan  6 2025";
    public const string CompileTime = "16:07:42";

    /// <summary>The demo images as flash regions (what <c>station demo</c> writes).</summary>
    public static IReadOnlyList<ImageSource> For(ChipSpec chip) => Build(chip).Sources;

    /// <summary>
    /// Builds the three images. Throws <see cref="ArgumentException"/> when the project or version does
    /// not fit the descriptor (31 printable ASCII characters).
    /// </summary>
    public static DemoImageSet Build(ChipSpec chip, string project = DefaultProject, string version = DefaultVersion)
    {
        ArgumentNullException.ThrowIfNull(chip);
        var layout = DemoLayout.For(chip);
        var descriptor = new AppDescriptor
        {
            ProjectName = project,
            Version = version,
            Date = CompileDate,
            Time = CompileTime,
            IdfVersion = IdfVersion,
            AppElfSha256 = SHA256.HashData(Encoding.ASCII.GetBytes($"{project} {version} {chip.Key}")),
        };
        byte[] descriptorBytes = descriptor.ToBytes();

        var bootloader = EspImageBuilder.Build(chip, layout.BootloaderEntry,
            layout.Bootloader.Select((s, i) => new SegmentData(s.LoadAddress, Code(0xB000 + i, s.Length))).ToArray(),
            flashMode: 0x02, flashSizeFrequency: layout.BootloaderSizeFrequency);

        byte[] drom = Code(0xA000, DemoLayout.DromLength);
        descriptorBytes.CopyTo(drom, 0);
        int header = chip.Kind == ChipKind.Esp8266 ? EspImage.CommonHeaderLength : EspImage.ExtendedHeaderLength;
        int iramHead = DemoLayout.IramHeadLength(header);
        var app = EspImageBuilder.Build(chip, layout.AppEntry,
        [
            new SegmentData(layout.Drom, drom),
            new SegmentData(layout.Dram, Code(0xA001, DemoLayout.DramLength)),
            new SegmentData(layout.Iram, Code(0xA002, iramHead)),
            new SegmentData(layout.Irom, Code(0xA003, DemoLayout.IromLength)),
            new SegmentData(layout.Iram + (uint)iramHead, Code(0xA004, DemoLayout.IramTailLength)),
        ], flashMode: 0x02, flashSizeFrequency: layout.AppSizeFrequency);

        return new DemoImageSet(chip, bootloader, PartitionTable.SingleFactoryApp().ToBytes(), app);
    }

    /// <summary>
    /// Code-like bytes: mostly a few recurring instruction words with runs, some noise, so compression
    /// behaves as on real firmware. SplitMix64 with a fixed seed: no dependence on the runtime's Random.
    /// </summary>
    private static byte[] Code(int seed, int length)
    {
        ReadOnlySpan<uint> common = [0x0000_0000, 0x0000_4136, 0x0000_F01D, 0x0020_C0A2, 0x0008_1322, 0x00A0_2A81];
        ulong state = (ulong)seed * 0x9E37_79B9_7F4A_7C15UL;
        var bytes = new byte[length];
        for (int i = 0; i + 4 <= length; i += 4)
        {
            ulong r = Next(ref state);
            uint word = (r & 7) == 0 ? (uint)(r >> 32) : common[(int)((r >> 8) % (ulong)common.Length)] + (uint)((i >> 6) & 0xFF);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i), word);
        }

        return bytes;
    }

    private static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E37_79B9_7F4A_7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}
