using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Simulator.Boot;
using Station.Simulator.Device;
using Station.Simulator.Tests.Support;
using Station.Transport.Links;
using Station.Transport.Reset;

namespace Station.Simulator.Tests.Boot;

public sealed class ResetTests
{
    public static TheoryData<string> DownloadResets => new() { "classic", "unix-tight", "classic-slow" };

    [Theory]
    [InlineData(false, false, true, true)]
    [InlineData(true, true, true, true)]
    [InlineData(false, true, false, true)]
    [InlineData(true, false, true, false)]
    public void Levels_AssertedLines_FollowTheTwoTransistorCircuit(bool dtr, bool rts, bool enHigh, bool io0High)
    {
        Assert.Equal(new StrapLevels(enHigh, io0High), AutoProgramCircuit.Levels(new LineState(dtr, rts)));
    }

    [Fact]
    public async Task PowerOn_IdleLines_BootsTheAppAndIgnoresSync()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32, PowerOnBoot.Straps);

        string log = await probe.ReadNoiseUntilAsync("invalid header: 0xffffffff");
        await probe.SendAsync(Requests.Sync());

        Assert.StartsWith("ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n", log, StringComparison.Ordinal);
        await probe.AssertSilentAsync(TimeSpan.FromMilliseconds(150));
    }

    [Theory]
    [MemberData(nameof(DownloadResets))]
    public async Task Reset_DownloadSequence_BannerThenSyncAnswers(string strategy)
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32, PowerOnBoot.Straps);
        await probe.ReadNoiseUntilAsync("invalid header");

        await ResetStrategies.Parse(strategy).ResetAsync(probe.Host, TimeProvider.System, CancellationToken.None);
        string log = await probe.ReadNoiseUntilAsync("waiting for download");
        var replies = await probe.SyncAsync();

        Assert.Contains("rst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download\r\n", log, StringComparison.Ordinal);
        Assert.Equal(8, replies.Count);
    }

    [Fact]
    public async Task HardReset_AfterStub_BootsTheAppAtBootloaderOffset()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32S3, PowerOnBoot.Download);
        await StubUpload.RunAsync(probe);

        await new HardReset().ResetAsync(probe.Host, TimeProvider.System, CancellationToken.None);
        string log = await probe.ReadNoiseUntilAsync("invalid header: 0xffffffff");
        await probe.SendAsync(Requests.Sync());

        Assert.Contains("ESP-ROM:esp32s3-20210327\r\nBuild:Mar 27 2021\r\nrst:0x1 (POWERON),boot:0x8 (SPI_FAST_FLASH_BOOT)\r\n", log, StringComparison.Ordinal);
        await probe.AssertSilentAsync(TimeSpan.FromMilliseconds(150));
    }

    [Fact]
    public async Task Reset_DropsStubAndBaud()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32C3, PowerOnBoot.Download);
        await StubUpload.RunAsync(probe);
        await probe.CommandAsync(Requests.ChangeBaudrate(921600, 115200));
        await probe.Host.SetBaudAsync(921600, CancellationToken.None);

        await probe.Host.SetBaudAsync(115200, CancellationToken.None);
        await probe.ResetIntoDownloadAsync();

        // The power-on banner already said it once: wait for the banner of the reset.
        await probe.ReadNoiseUntilAsync("waiting for download", times: 2);
        var replies = await probe.SyncAsync();

        Assert.Equal(0x2012_0707u, replies[0].Value);
        Assert.Equal("00000000", replies[0].DataHex);
    }

    [Fact]
    public async Task Reset_DeviceTaskLateBeyondTheIo0Hold_StrapsSampledAtTheEnDelay()
    {
        // The device's timers fire 150 ms late: its task gets to the strap sample after the reset
        // has already released IO0 (50 ms). The chip sampled at EN's rise plus the EN delay all the same.
        var device = new SimulatedDevice(new DeviceOptions { Chip = ChipCatalogue.Esp32, Time = new LateTimers(TimeSpan.FromMilliseconds(150)) });
        await using var probe = WireProbe.Attach(device, PowerOnBoot.Straps);
        await probe.ReadNoiseUntilAsync("invalid header");

        await probe.ResetIntoDownloadAsync();
        var replies = await probe.SyncAsync();

        Assert.Contains("boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download\r\n", probe.Noise, StringComparison.Ordinal);
        Assert.Equal(8, replies.Count);
    }

    [Fact]
    public async Task Reset_RequestSentAfterTheBootBeforeTheDeviceTaskGetsThere_IsHeard()
    {
        // EN rises with IO0 held low and the lines then stay put, so only the (150 ms late) timer wakes the
        // device. The SYNC goes out 30 ms after the rise: after the chip's boot (EN delay 5 ms), before its task ran.
        var device = new SimulatedDevice(new DeviceOptions { Chip = ChipCatalogue.Esp32, Time = new LateTimers(TimeSpan.FromMilliseconds(150)) });
        await using var probe = WireProbe.Attach(device, PowerOnBoot.Straps);
        await probe.ReadNoiseUntilAsync("invalid header");

        await probe.Host.SetLinesAsync(dtr: false, rts: true, CancellationToken.None);
        await probe.Host.SetLinesAsync(dtr: true, rts: false, CancellationToken.None);
        await Task.Delay(TimeSpan.FromMilliseconds(30));
        var replies = await probe.SyncAsync();

        Assert.Contains("waiting for download\r\n", probe.Noise, StringComparison.Ordinal);
        Assert.Equal(8, replies.Count);
    }

    [Fact]
    public async Task HardReset_ValidImageAtBootloaderOffset_PrintsRomLoadLog()
    {
        var device = new SimulatedDevice(new DeviceOptions { Chip = ChipCatalogue.Esp32 });
        device.Flash.Program(0x1000, MinimalImage());
        await using var probe = WireProbe.Attach(device, PowerOnBoot.Straps);

        string log = await probe.ReadNoiseUntilAsync("entry 0x40080640");

        Assert.Contains("mode:DIO, clock div:2\r\nload:0x3fff0030,len:16\r\nentry 0x40080640\r\n", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Esp8266Banner_At74880_ArrivesAsGarbageWithoutFrameEnd()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp8266, PowerOnBoot.Download);

        byte[] raw = await probe.ReadRawAsync(40, TimeSpan.FromSeconds(2));
        var replies = await probe.SyncAsync();

        Assert.True(raw.Length >= 40);
        Assert.DoesNotContain((byte)0xC0, raw);
        Assert.DoesNotContain("ets Jan", System.Text.Encoding.Latin1.GetString(raw), StringComparison.Ordinal);
        Assert.Equal(8, replies.Count);
    }

    /// <summary>An ESP32 image: one 16-byte segment at 0x3FFF0030, DIO, 40 MHz.</summary>
    private static byte[] MinimalImage()
    {
        var image = new byte[24 + 8 + 16 + 16];
        image[0] = 0xE9;
        image[1] = 1;
        image[2] = 2;
        image[3] = 0x20;
        BitConverter.TryWriteBytes(image.AsSpan(4), 0x4008_0640u);
        image[8] = 0xEE;
        BitConverter.TryWriteBytes(image.AsSpan(24), 0x3FFF_0030u);
        BitConverter.TryWriteBytes(image.AsSpan(28), 16u);
        byte checksum = 0xEF;
        image[^1] = checksum;
        return image;
    }
}
