using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Simulator.Device;
using Station.Simulator.Tests.Support;

namespace Station.Simulator.Tests.Faults;

/// <summary>no-download, no-download-once and flood: what a client reads after reset (field failures F2, F9).</summary>
public sealed class BootFaultTests
{
    [Fact]
    public async Task NoDownload_EveryResetBootsTheAppWithBoot0x13AndSyncIsIgnored()
    {
        await using var probe = Faulty.Start(ChipCatalogue.Esp32, "no-download=1");
        string first = await probe.ReadNoiseUntilAsync("invalid header: 0xffffffff");

        await probe.ResetIntoDownloadAsync();
        string both = await probe.ReadNoiseUntilAsync("rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n", times: 2);
        await probe.ReadNoiseUntilAsync("invalid header", times: 2);
        await probe.SendAsync(Requests.Sync());

        Assert.StartsWith("ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n", first, StringComparison.Ordinal);
        Assert.DoesNotContain("waiting for download", both, StringComparison.Ordinal);
        await probe.Device.Log().UntilAsync(l => l.Count("no-download") == 2);
        await probe.AssertSilentAsync(TimeSpan.FromMilliseconds(200));
        Assert.Contains("after an EN reset", probe.Device.Log().Entries[1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoDownload_NewerChip_PrintsItsFlashBootStrap()
    {
        await using var probe = Faulty.Start(ChipCatalogue.Esp32S3, "no-download=1");

        string log = await probe.ReadNoiseUntilAsync("invalid header");

        Assert.Contains("rst:0x1 (POWERON),boot:0x8 (SPI_FAST_FLASH_BOOT)", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoDownloadOnce_FirstBootRunsTheApp_TheResetAfterReachesDownloadMode()
    {
        await using var probe = Faulty.Start(ChipCatalogue.Esp32, "no-download-once=1");
        string first = await probe.ReadNoiseUntilAsync("invalid header");

        await probe.ResetIntoDownloadAsync();
        string second = await probe.ReadNoiseUntilAsync("waiting for download");
        var replies = await probe.SyncAsync();

        Assert.Contains("boot:0x13 (SPI_FAST_FLASH_BOOT)", first, StringComparison.Ordinal);
        Assert.Contains("boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download", second, StringComparison.Ordinal);
        Assert.Equal(8, replies.Count);
        var entry = Assert.Single(probe.Device.Log().Entries);
        Assert.Equal("no-download-once", entry.Kind);
    }

    [Fact]
    public async Task Flood_KibsOfAppOutputBeforeTheBanner_ThenSyncWorks()
    {
        await using var probe = Faulty.Start(ChipCatalogue.Esp32, "flood=1");

        string log = await probe.ReadNoiseUntilAsync("waiting for download");
        var replies = await probe.SyncAsync();

        int banner = log.IndexOf("ets Jun  8 2016", StringComparison.Ordinal);
        Assert.InRange(banner, 4 * 1024, 13 * 1024);
        Assert.StartsWith("I (", log, StringComparison.Ordinal);
        Assert.All(log[..banner].Split("\r\n", StringSplitOptions.RemoveEmptyEntries), line => Assert.Matches(@"^I \(\d+\) \w+: ", line));
        Assert.Equal(8, replies.Count);
        var entry = Assert.Single(probe.Device.Log().Entries);
        Assert.Equal("flood", entry.Kind);
        Assert.StartsWith($"{banner} bytes of application output before the ROM banner", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flood_AfterTheFirstFlashWrite_TheFactoryFirmwareIsGone()
    {
        var device = new SimulatedDevice(new DeviceOptions { Chip = ChipCatalogue.Esp32, Faults = Faulty.Plan("flood=1") });
        await using (var first = WireProbe.Attach(device))
        {
            await first.ReadNoiseUntilAsync("waiting for download");
            await first.CommandAsync(Requests.FlashBegin(0x400, 1, 0x400, 0x10000));
        }

        await using var second = WireProbe.Attach(device);
        string log = await second.ReadNoiseUntilAsync("waiting for download");

        Assert.StartsWith("ets Jun  8 2016", log, StringComparison.Ordinal);
        Assert.Equal(1, device.Log().Count("flood"));
    }
}
