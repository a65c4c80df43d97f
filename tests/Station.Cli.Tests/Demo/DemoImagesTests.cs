using System.CommandLine;
using System.Security.Cryptography;
using Station.Cli.Commands;
using Station.Cli.Demo;
using Station.Cli.Output;
using Station.Cli.Tests.Support;
using Station.Protocol.Chips;
using Station.Protocol.Images;
using Station.Simulator.Boot;
using Station.Simulator.Device;
using Station.Transport.Links;

namespace Station.Cli.Tests.Demo;

public sealed class DemoImagesTests : IDisposable
{
    private readonly string _work = Repository.TempDirectory();

    public static TheoryData<string> Chips => new() { "esp32", "esp32s3", "esp32c3" };

    [Theory]
    [MemberData(nameof(Chips))]
    public void Build_TwiceWithTheSameArguments_ByteIdentical(string key)
    {
        var chip = Chip(key);

        var first = DemoImages.Build(chip);
        var second = DemoImages.Build(chip);

        Assert.Equal(first.Bootloader, second.Bootloader);
        Assert.Equal(first.PartitionTable, second.PartitionTable);
        Assert.Equal(first.App, second.App);
        Assert.NotEqual(SHA256.HashData(first.App), SHA256.HashData(DemoImages.Build(chip, version: "1.0.1").App));
    }

    [Theory]
    [MemberData(nameof(Chips))]
    public void Build_EachImage_ParsesBack(string key)
    {
        var chip = Chip(key);

        var images = DemoImages.Build(chip, "line-test", "4.5.6");
        var bootloader = EspImage.Parse(images.Bootloader, extendedHeader: true);
        var table = PartitionTable.Parse(images.PartitionTable, flashSize: 0x40_0000);
        var app = EspImage.Parse(images.App, extendedHeader: true);
        var descriptor = AppDescriptor.FromImage(images.App);

        Assert.True(bootloader.ChecksumValid && bootloader.HashValid(images.Bootloader));
        Assert.True(images.Bootloader.Length <= DemoImages.PartitionTableAddress - chip.BootloaderOffset);
        Assert.Equal(PartitionTable.MaxLength, images.PartitionTable.Length);
        Assert.Equal(PartitionTable.SingleFactoryApp().Entries, table.Entries);
        Assert.True(app.ChecksumValid && app.HashValid(images.App));
        Assert.InRange(images.App.Length, 150_000, 250_000);
        Assert.Equal(("line-test", "4.5.6", "v5.4.1", "Jan  6 2025", "16:07:42"), (descriptor.ProjectName, descriptor.Version, descriptor.IdfVersion, descriptor.Date, descriptor.Time));
        Assert.Equal(0x20, app.Segments[0].DataOffset);
        Assert.Equal(0x2_0020, app.Segments[3].DataOffset);
        Assert.All(new[] { app.Segments[0], app.Segments[3] }, s => Assert.Equal(s.LoadAddress % 0x10000, (DemoImages.AppAddress + (uint)s.DataOffset) % 0x10000));
    }

    [Fact]
    public void Build_Esp32_RealAppLayout()
    {
        var app = EspImage.Parse(DemoImages.Build(ChipCatalogue.Esp32).App, extendedHeader: true);

        Assert.Equal([0x3F40_0020u, 0x3FFB_0000u, 0x4008_0000u, 0x400D_0020u, 0x4009_13E8u], app.Segments.Select(s => s.LoadAddress));
        Assert.Equal(0x4008_11A8u, app.Entry);
    }

    [Theory]
    [MemberData(nameof(Chips))]
    public void SimulatedDevice_DemoFirmware_BootsToTheVersion(string key)
    {
        var chip = Chip(key);
        var device = new SimulatedDevice(new DeviceOptions { Chip = chip });
        foreach (var image in DemoImages.For(chip))
        {
            device.Flash.Program(image.Address, image.Bytes);
        }

        var boot = FlashBoot.Run(chip, device.Flash, device.FlashId, RomBanner.For(chip, BootMode.Flash, ResetCause.PowerOn));

        Assert.Equal(FlashBootOutcome.AppRunning, boot.Outcome);
        Assert.Contains(") app_init: Project name:     demo-app\r\n", boot.Text, StringComparison.Ordinal);
        Assert.Contains(") app_init: App version:      1.0.0\r\n", boot.Text, StringComparison.Ordinal);
        Assert.EndsWith(") main_task: Calling app_main()\r\n", boot.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_TwoRuns_SameFilesAndPrintedDigests()
    {
        var (code, output) = await InvokeAsync("demo-images", "--chip", "esp32", "--project", "demo-app", "--version", "1.0.0", "--out", Path.Combine(_work, "a"));
        var (code2, output2) = await InvokeAsync("demo-images", "--out", Path.Combine(_work, "b"));

        Assert.Equal(0, code);
        Assert.Equal(0, code2);
        foreach (string name in new[] { "bootloader.bin", "partition-table.bin", "app.bin" })
        {
            byte[] a = await File.ReadAllBytesAsync(Path.Combine(_work, "a", name));
            Assert.Equal(a, await File.ReadAllBytesAsync(Path.Combine(_work, "b", name)));
            Assert.Contains($"sha256 {Convert.ToHexStringLower(SHA256.HashData(a))}", output, StringComparison.Ordinal);
        }

        Assert.Contains("0x001000  bootloader.bin", output, StringComparison.Ordinal);
        Assert.Contains("0x008000  partition-table.bin     3072 bytes", output, StringComparison.Ordinal);
        Assert.Equal(output.Split('\n')[..3], output2.Split('\n')[..3]);
    }

    [Fact]
    public async Task Command_ProjectNameTooLong_UsageError()
    {
        var (code, _) = await InvokeAsync("demo-images", "--project", new string('x', 32), "--out", _work);

        Assert.Equal(2, code);
    }

    public void Dispose()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    private static ChipSpec Chip(string key) => ChipCatalogue.TryFind(key, out var chip) ? chip : throw new ArgumentException(key);

    /// <summary>Runs the command in-process under a root command, as <c>station</c> would register it.</summary>
    private static async Task<(int Code, string Output)> InvokeAsync(params string[] args)
    {
        var output = new StringWriter();
        var context = new CommandContext(new ConsoleReporter(output, live: false), output, TimeProvider.System, LinkFactory.Default());
        var root = new RootCommand { DemoImagesCommand.Create(context) };
        var parse = root.Parse(args);
        Assert.Empty(parse.Errors);
        int code = await parse.InvokeAsync();
        return (code, output.ToString());
    }
}
