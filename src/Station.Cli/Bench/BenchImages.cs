using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Station.Cli.Demo;
using Station.Flashing.Write;
using Station.Protocol.Chips;
using Station.Protocol.Images;

namespace Station.Cli.Bench;

/// <summary>One workload of the bench: the images a unit receives, as flash regions.</summary>
/// <param name="Key">Short name used in tables and file names ("app-1mb", "full-4mb").</param>
/// <param name="Title">What it is, for the report.</param>
/// <param name="Regions">Images at their flash offsets, in the order they are written.</param>
public sealed record BenchWorkload(string Key, string Title, IReadOnlyList<ImageSource> Regions)
{
    public long Bytes => Regions.Sum(r => (long)r.Bytes.Length);
}

/// <summary>
/// The bench's firmware, made deterministically (SplitMix64 with fixed seeds, fixed descriptor dates), so every
/// run and machine flashes the same bytes. Real ESP32 apps compress to roughly 60–65 % of their size with
/// zlib level 9 (esptool's "Wrote 1040384 bytes (651224 compressed)" is typical), so the app's code is
/// instruction-like words with about one word in nine random: it compresses to ≈ 62 %. Both workloads boot
/// in the simulator to <c>App version: 1.0.0</c>.
/// <list type="bullet">
/// <item><b>app-1mb</b>: the demo bootloader at 0x1000, a single-factory-app partition table (3 MB factory
/// partition) at 0x8000, and a 1 MiB app at 0x10000: what a line writes to a blank board for a 1 MB firmware.</item>
/// <item><b>full-4mb</b>: one 4 MiB factory image at 0x0 (esptool <c>merge_bin</c> style): bootloader, partition
/// table (nvs, phy_init, 1.94 MB factory, 2 MB SPIFFS storage), a 1.5 MiB app, and a storage partition with
/// 512 KiB of already-compressed assets (random bytes, incompressible), 512 KiB of text-like assets and 1 MiB
/// erased. The gaps are 0xFF as merge_bin leaves them: they cost no wire time but must be erased and programmed.</item>
/// </list>
/// </summary>
public static class BenchImages
{
    public const string Project = "bench-app";
    public const string Version = "1.0.0";
    public const uint AppAddress = 0x1_0000;
    public const int AppBytes = 1024 * 1024;
    public const int FullImageBytes = 4 * 1024 * 1024;

    /// <summary>Chance that an app code word is random rather than a common instruction pattern.</summary>
    private const double RandomWordShare = 0.11;

    private const int FullAppBytes = 1536 * 1024;
    private const uint StorageAddress = 0x20_0000;
    private const uint StorageSize = 0x20_0000;
    private const int IncompressibleAssets = 512 * 1024;
    private const int TextAssets = 512 * 1024;

    public static ChipSpec Chip => ChipCatalogue.Esp32;

    /// <summary>Bootloader, partition table and an app of about <paramref name="appBytes"/> bytes (1 MiB: "app-1mb"), as three regions.</summary>
    public static BenchWorkload App(int appBytes = AppBytes)
    {
        var chip = Chip;
        byte[] bootloader = DemoImages.Build(chip).Bootloader;
        byte[] table = PartitionTable.SingleFactoryApp(0x30_0000).ToBytes();
        byte[] app = BuildApp(appBytes, seed: 0xB100);
        string size = appBytes % (1024 * 1024) == 0 ? $"{appBytes / (1024 * 1024)}mb" : $"{appBytes / 1024}k";
        return new BenchWorkload($"app-{size}", $"app (bootloader + partition table + {appBytes / 1024} KiB app)",
        [
            new ImageSource(chip.BootloaderOffset, bootloader, "bootloader.bin"),
            new ImageSource(PartitionTable.DefaultOffset, table, "partition-table.bin"),
            new ImageSource(AppAddress, app, "app.bin"),
        ]);
    }

    /// <summary>One merged 4 MiB image at 0x0.</summary>
    public static BenchWorkload Full4Mb()
    {
        var chip = Chip;
        var image = new byte[FullImageBytes];
        image.AsSpan().Fill(0xFF);
        DemoImages.Build(chip).Bootloader.CopyTo(image, (int)chip.BootloaderOffset);
        var table = new PartitionTable(
        [
            new(PartitionType.Data, PartitionSubtype.Nvs, 0x9000, 0x6000, "nvs"),
            new(PartitionType.Data, PartitionSubtype.Phy, 0xF000, 0x1000, "phy_init"),
            new(PartitionType.App, PartitionSubtype.Factory, AppAddress, StorageAddress - AppAddress, "factory"),
            new(PartitionType.Data, PartitionSubtype.Spiffs, StorageAddress, StorageSize, "storage"),
        ]);
        table.ToBytes().CopyTo(image, (int)PartitionTable.DefaultOffset);
        BuildApp(FullAppBytes, seed: 0xB400).CopyTo(image, (int)AppAddress);
        var state = 0xB4D0UL;
        Span<byte> storage = image.AsSpan((int)StorageAddress);
        for (int i = 0; i + 8 <= IncompressibleAssets; i += 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(storage[i..], Next(ref state));
        }

        Text(storage.Slice(IncompressibleAssets, TextAssets), 0xB4E0);
        return new BenchWorkload("full-4mb", "4 MB full image (merged: bootloader, partition table, 1.5 MiB app, 2 MB storage) at 0x0",
            [new ImageSource(0, image, "factory-4mb.bin")]);
    }

    /// <summary>
    /// An ESP32 app image of about <paramref name="totalBytes"/> bytes laid out as the demo app (descriptor first in
    /// DROM, IROM at a 64 KiB boundary + 0x20), its IROM code segment sized so the whole image comes out at the target.
    /// </summary>
    public static byte[] BuildApp(int totalBytes, int seed)
    {
        var chip = Chip;
        var layout = DemoLayout.For(chip);
        var descriptor = new AppDescriptor
        {
            ProjectName = Project,
            Version = Version,
            Date = DemoImages.CompileDate,
            Time = DemoImages.CompileTime,
            IdfVersion = DemoImages.IdfVersion,
            AppElfSha256 = SHA256.HashData(Encoding.ASCII.GetBytes($"{Project} {Version} {seed}")),
        };
        byte[] drom = Code(seed, DemoLayout.DromLength);
        descriptor.ToBytes().CopyTo(drom, 0);
        int iramHead = DemoLayout.IramHeadLength(EspImage.ExtendedHeaderLength);
        byte[] Build(int iromLength) => EspImageBuilder.Build(chip, layout.AppEntry,
        [
            new SegmentData(layout.Drom, drom),
            new SegmentData(layout.Dram, Code(seed + 1, DemoLayout.DramLength)),
            new SegmentData(layout.Iram, Code(seed + 2, iramHead)),
            new SegmentData(layout.Irom, Code(seed + 3, iromLength)),
            new SegmentData(layout.Iram + (uint)iramHead, Code(seed + 4, DemoLayout.IramTailLength)),
        ], flashMode: 0x02, flashSizeFrequency: layout.AppSizeFrequency);

        // Everything but the IROM segment is fixed (about 150 KB): size the IROM from one trial build.
        const int trial = 4096;
        int overhead = Build(trial).Length - trial;
        ArgumentOutOfRangeException.ThrowIfLessThan(totalBytes, overhead + trial);
        return Build((totalBytes - overhead) & ~15);
    }

    /// <summary>Instruction-like words: common patterns with varying operands, about one word in nine random.</summary>
    private static byte[] Code(int seed, int length)
    {
        ReadOnlySpan<uint> common = [0x0000_0000, 0x0000_4136, 0x0000_F01D, 0x0020_C0A2, 0x0008_1322, 0x00A0_2A81, 0x0C00_20C0, 0x0000_81A0];
        ulong state = (ulong)seed * 0x9E37_79B9_7F4A_7C15UL;
        var bytes = new byte[length];
        ulong randomBelow = (ulong)(RandomWordShare * ulong.MaxValue);
        ulong operandBelow = (ulong)((RandomWordShare + 0.3) * ulong.MaxValue);
        for (int i = 0; i + 4 <= length; i += 4)
        {
            ulong r = Next(ref state);
            ulong pick = Next(ref state);
            uint word = pick < randomBelow ? (uint)r
                : pick < operandBelow ? ((uint)(r & 0xFFFF) << 8) | 0x22
                : common[(int)(r % (ulong)common.Length)] + (uint)((i >> 6) & 0xFF);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i), word);
        }

        return bytes;
    }

    /// <summary>Text-like assets (HTML, JSON): words from a small vocabulary; zlib takes them to about a quarter.</summary>
    private static void Text(Span<byte> destination, ulong seed)
    {
        string[] words = ["<div", "class=", "\"row\"", "{\"id\":", "\"value\":", "true,", "false,", "null", "</div>", "<span>", "sensor", "config",
            "wifi", "mqtt", "station", "unit", "0x1F", "42", "3.14", "\n", "  ", "name", "topic", "/api/v1/", "status", "ok"];
        ulong state = seed;
        int at = 0;
        while (at < destination.Length)
        {
            ulong r = Next(ref state);
            string word = (r & 15) == 0 ? ((uint)(r >> 32)).ToString("x8", System.Globalization.CultureInfo.InvariantCulture) : words[(int)((r >> 8) % (ulong)words.Length)];
            int n = Math.Min(word.Length, destination.Length - at);
            Encoding.ASCII.GetBytes(word.AsSpan(0, n), destination[at..]);
            at += n;
            if (at < destination.Length)
            {
                destination[at++] = (byte)' ';
            }
        }
    }

    private static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E37_79B9_7F4A_7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}
