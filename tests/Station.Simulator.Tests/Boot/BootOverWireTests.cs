using System.Diagnostics;
using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Simulator.Device;
using Station.Simulator.Tests.Support;
using Station.Transport.Reset;

namespace Station.Simulator.Tests.Boot;

/// <summary>Which resets lead to the ESP-IDF boot, and what a host reading the port sees.</summary>
public sealed class BootOverWireTests
{
    private const string AppMain = "main_task: Calling app_main()\r\n";

    [Fact]
    public async Task PowerOn_IdleLinesAndGoodFirmware_BootLogThenSilence()
    {
        var device = Firmware.Device(ChipCatalogue.Esp32, app: Firmware.App(ChipCatalogue.Esp32));
        var running = AwaitActivity(device, DeviceActivity.RunningApp, "test-app 2.3.4");
        await using var probe = WireProbe.Attach(device, PowerOnBoot.Straps);

        string log = await probe.ReadNoiseUntilAsync(AppMain);
        await probe.SendAsync(Requests.Sync());

        Assert.StartsWith("ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n", log, StringComparison.Ordinal);
        Assert.Contains(") app_init: Project name:     test-app\r\n", log, StringComparison.Ordinal);
        Assert.Contains(") app_init: App version:      2.3.4\r\n", log, StringComparison.Ordinal);
        Assert.Equal("test-app 2.3.4 from 0x10000", (await running).Detail);
        await probe.AssertSilentAsync(TimeSpan.FromMilliseconds(150));
    }

    [Fact]
    public async Task HardReset_AfterDownloadMode_BootsTheFlashedApp()
    {
        var device = Firmware.Device(ChipCatalogue.Esp32, app: Firmware.App(ChipCatalogue.Esp32));
        await using var probe = WireProbe.Attach(device, PowerOnBoot.Download);
        await probe.ReadNoiseUntilAsync("waiting for download");
        await probe.SyncAsync();

        await new HardReset().ResetAsync(probe.Host, TimeProvider.System, CancellationToken.None);
        string log = await probe.ReadNoiseUntilAsync(AppMain);

        Assert.Contains("waiting for download\r\nets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n", log, StringComparison.Ordinal);
        Assert.Contains(") boot: Loaded app from partition at offset 0x10000\r\n", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RomFlashEndZero_IdleLines_SoftwareResetBootsTheApp()
    {
        var device = Firmware.Device(ChipCatalogue.Esp32, app: Firmware.App(ChipCatalogue.Esp32));
        await using var probe = WireProbe.Attach(device, PowerOnBoot.Download);
        await probe.SyncAsync();
        await probe.CommandAsync(Requests.FlashBegin(0, 0, 0x4000, 0));

        await probe.CommandAsync(Requests.FlashEnd(0));
        string log = await probe.ReadNoiseUntilAsync(AppMain);

        Assert.Contains("rst:0x3 (SW_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\nconfigsip: 0, SPIWP:0xee\r\n", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RomFlashEndOne_RunUserCode_BootsWithoutANewBanner()
    {
        var device = Firmware.Device(ChipCatalogue.Esp32S3, app: Firmware.App(ChipCatalogue.Esp32S3));
        await using var probe = WireProbe.Attach(device, PowerOnBoot.Download);
        await probe.SyncAsync();
        await probe.CommandAsync(Requests.FlashBegin(0, 0, 0x4000, 0));

        await probe.CommandAsync(Requests.FlashEnd(1));
        string log = await probe.ReadNoiseUntilAsync(AppMain);

        Assert.Contains("waiting for download\r\nSPIWP:0xee\r\nmode:DIO, clock div:1\r\n", log, StringComparison.Ordinal);
        Assert.Equal(1, log.Split("ESP-ROM:").Length - 1);
    }

    [Fact]
    public async Task StubRunUserCode_BootsTheApp()
    {
        var device = Firmware.Device(ChipCatalogue.Esp32C3, app: Firmware.App(ChipCatalogue.Esp32C3, version: "9.9"));
        await using var probe = WireProbe.Attach(device, PowerOnBoot.Download);
        await probe.SyncAsync();
        await StubUpload.RunAsync(probe);

        await probe.SendAsync(Requests.RunUserCode());
        string log = await probe.ReadNoiseUntilAsync(AppMain);

        Assert.Contains(") app_init: App version:      9.9\r\n", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoApp_BootFailsThenResetsAndBootsAgain()
    {
        var device = Firmware.Device(ChipCatalogue.Esp32);
        string first = FlashBootTests.Boot(device).Text;
        string again = FlashBootTests.Boot(device, Station.Simulator.Boot.ResetCause.SoftwareReset).Text;
        var failed = AwaitActivity(device, DeviceActivity.BootFailed, "No bootable app partitions");
        await using var probe = WireProbe.Attach(device, PowerOnBoot.Straps);

        string log = await probe.ReadNoiseUntilAsync(first + again, TimeSpan.FromSeconds(5));

        Assert.Equal(first + again, log);
        Assert.Contains(") esp_image: image at 0x10000 has invalid magic byte (nothing flashed here?)\r\n", again, StringComparison.Ordinal);
        Assert.StartsWith("ets Jun  8 2016 00:22:57\r\n\r\nrst:0x3 (SW_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n", again, StringComparison.Ordinal);
        Assert.Matches(@"^E \(\d+\) boot: No bootable app partitions in the partition table$", (await failed).Detail);
    }

    [Fact]
    public async Task Pacing_BootLogArrivesOverTimeWithinTwoSeconds()
    {
        var device = Firmware.Device(ChipCatalogue.Esp32, app: Firmware.App(ChipCatalogue.Esp32), pacing: true);
        var clock = Stopwatch.StartNew();
        await using var probe = WireProbe.Attach(device, PowerOnBoot.Straps);

        await probe.ReadNoiseUntilAsync("2nd stage bootloader\r\n");
        TimeSpan bootloader = clock.Elapsed;
        await probe.ReadNoiseUntilAsync(AppMain);
        TimeSpan appMain = clock.Elapsed;

        // At 115200 baud ~2.6 KB of log plus segment loading take a few hundred ms, not an instant.
        Assert.True(appMain - bootloader >= TimeSpan.FromMilliseconds(150), $"app_main {appMain.TotalMilliseconds} ms, bootloader banner {bootloader.TotalMilliseconds} ms");
        Assert.True(appMain < TimeSpan.FromSeconds(2), $"app_main after {appMain.TotalMilliseconds} ms");
    }

    private static Task<DeviceEvent> AwaitActivity(SimulatedDevice device, DeviceActivity activity, string detail)
    {
        var seen = new TaskCompletionSource<DeviceEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        device.ActivityChanged += e =>
        {
            if (e.Activity == activity && e.Detail.Contains(detail, StringComparison.Ordinal))
            {
                seen.TrySetResult(e);
            }
        };
        return seen.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
