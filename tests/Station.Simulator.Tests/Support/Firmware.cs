using System.Buffers.Binary;
using System.Security.Cryptography;
using Station.Protocol.Chips;
using Station.Protocol.Images;
using Station.Simulator.Device;
using Station.Simulator.Flash;

namespace Station.Simulator.Tests.Support;

/// <summary>
/// Small ESP-IDF-shaped firmware for boot tests, built with Protocol's format code: a bootloader, a
/// partition table and apps with a descriptor (DROM first, IROM at the next 64 KiB boundary + 0x20).
/// </summary>
internal static class Firmware
{
    public const uint TableOffset = 0x8000;

    public static byte[] Bootloader(ChipSpec chip, byte sizeFrequency = 0x20) =>
        EspImageBuilder.Build(chip, 0x4008_0640, [new SegmentData(0x3FFF_0030, Images.Pattern(64, seed: 3)), new SegmentData(0x4007_8000, Images.Pattern(128, seed: 4))], 0x02, sizeFrequency);

    /// <summary>An app for ESP32-family address maps (ESP32 or S3/C3 addresses) with its descriptor at 0x20.</summary>
    public static byte[] App(ChipSpec chip, string project = "test-app", string version = "2.3.4", ushort? chipId = null)
    {
        bool esp32 = chip.Kind == ChipKind.Esp32;
        var descriptor = new AppDescriptor
        {
            ProjectName = project,
            Version = version,
            Date = "Feb 29 2024",
            Time = "23:59:58",
            IdfVersion = "v5.4.1",
            AppElfSha256 = SHA256.HashData("elf"u8),
        };
        var drom = new byte[0x400];
        descriptor.ToBytes().CopyTo(drom, 0);
        int header = 24, segments = 3;
        int ramLength = 0x1_0020 - header - (segments * 8) - drom.Length;
        byte[] image = EspImageBuilder.Build(chip, esp32 ? 0x4008_1000u : 0x4038_0100u,
        [
            new SegmentData(esp32 ? 0x3F40_0020u : 0x3C03_0020u, drom),
            new SegmentData(esp32 ? 0x4008_0000u : 0x4038_0000u, Images.Pattern(ramLength & ~3, seed: 5)),
            new SegmentData(esp32 ? 0x400D_0020u : 0x4200_0020u, Images.Pattern(0x800, seed: 6)),
        ]);
        if (chipId is { } id)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(12), id);
            Rehash(image);
        }

        return image;
    }

    /// <summary>Recomputes the appended SHA-256 after a header change.</summary>
    public static void Rehash(byte[] image)
    {
        var parsed = EspImage.Parse(image, extendedHeader: true);
        SHA256.HashData(image.AsSpan(0, parsed.ChecksumOffset + 1), image.AsSpan(parsed.HashOffset, EspImage.HashLength));
    }

    /// <summary>A device with bootloader, table and (unless null) a factory app programmed.</summary>
    public static SimulatedDevice Device(ChipSpec chip, PartitionTable? table = null, byte[]? app = null, bool pacing = false)
    {
        var device = new SimulatedDevice(new DeviceOptions { Chip = chip, Seed = 42, Pacing = pacing });
        Program(device.Flash, chip.BootloaderOffset, Bootloader(chip));
        Program(device.Flash, TableOffset, (table ?? PartitionTable.SingleFactoryApp()).ToBytes());
        if (app is not null)
        {
            Program(device.Flash, 0x1_0000, app);
        }

        return device;
    }

    public static void Program(NorFlash flash, uint address, byte[] data)
    {
        flash.Erase(address, (uint)data.Length);
        flash.Program(address, data);
    }
}
