using Station.Flashing.Connect;
using Station.Flashing.Errors;
using Station.Flashing.Events;
using Station.Flashing.Loader;
using Station.Flashing.Tests.Support;
using Station.Protocol.Commands;
using Station.Protocol.Status;
using Station.Transport.Reset;

namespace Station.Flashing.Tests.Connect;

public class ConnectorTests
{
    private static readonly ConnectOptions Quick = new()
    {
        Attempts = 2,
        SyncTriesPerAttempt = 2,
        ResetStrategies = [new UnixTightReset(TimeSpan.FromMilliseconds(5))],
        BootLogQuiet = TimeSpan.FromMilliseconds(30),
    };

    [Fact]
    public async Task Connect_RomAnswersEightSyncReplies_SendsTheSyncFrameAndSeesTheRom()
    {
        await using var device = new ScriptedDevice(async (command, d) =>
        {
            for (int i = 0; i < 8; i++)
            {
                await d.Ok(command, LoaderKind.Esp32Rom, value: 0x5520_1207);
            }
        });
        var events = new EventLog();
        var client = new LoaderClient(device.Host, TimeProvider.System);

        var result = await new Connector(client, TimeProvider.System, events).ConnectAsync(Quick, CancellationToken.None);

        Assert.False(result.StubAlreadyRunning);
        Assert.Equal(1, result.Attempt);
        var sync = Assert.Single(device.ReceivedList);
        Assert.Equal(Requests.Sync().ToPacket(), sync.ToPacket());
        Assert.Equal("unix-tight(0.005)", Assert.Single(events.Of<ConnectAttempted>()).ResetStrategy);
    }

    [Fact]
    public async Task Connect_AllSyncValuesZero_MeansTheStubIsAlreadyRunning()
    {
        await using var device = new ScriptedDevice(async (command, d) =>
        {
            for (int i = 0; i < 8; i++)
            {
                await d.Ok(command, LoaderKind.Stub);
            }
        });

        var result = await new Connector(new LoaderClient(device.Host, TimeProvider.System), TimeProvider.System, new EventLog())
            .ConnectAsync(Quick, CancellationToken.None);

        Assert.True(result.StubAlreadyRunning);
    }

    [Fact]
    public async Task Connect_ChipBootsItsApp_IsDiagnosedAsWrongBootMode()
    {
        await using var device = new ScriptedDevice(
            (_, _) => Task.CompletedTask,
            onLines: (lines, d) =>
            {
                if (!lines.Dtr && !lines.Rts)
                {
                    d.Text("ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n").Wait();
                }
            });

        var e = await Assert.ThrowsAsync<FlashException>(() =>
            new Connector(new LoaderClient(device.Host, TimeProvider.System), TimeProvider.System, new EventLog()).ConnectAsync(Quick, CancellationToken.None));

        Assert.Equal(ErrorCodes.ConnectWrongBootMode, e.Error.Code);
        Assert.Contains("0x13", e.Error.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_DownloadModeButSilent_IsDiagnosedAsDeadTxPath()
    {
        await using var device = new ScriptedDevice(
            (_, _) => Task.CompletedTask,
            onLines: (lines, d) =>
            {
                if (!lines.Dtr && !lines.Rts)
                {
                    d.Text("rst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download\r\n").Wait();
                }
            });

        var e = await Assert.ThrowsAsync<FlashException>(() =>
            new Connector(new LoaderClient(device.Host, TimeProvider.System), TimeProvider.System, new EventLog()).ConnectAsync(Quick, CancellationToken.None));

        Assert.Equal(ErrorCodes.ConnectNoSyncReply, e.Error.Code);
    }

    [Fact]
    public async Task Connect_Silence_IsDiagnosedAsNoSerialData()
    {
        await using var device = new ScriptedDevice((_, _) => Task.CompletedTask);

        var e = await Assert.ThrowsAsync<FlashException>(() =>
            new Connector(new LoaderClient(device.Host, TimeProvider.System), TimeProvider.System, new EventLog()).ConnectAsync(Quick, CancellationToken.None));

        Assert.Equal(ErrorCodes.ConnectNoData, e.Error.Code);
        Assert.Equal(4, device.ReceivedList.Count(c => c.Opcode == Opcode.Sync));
    }

    [Fact]
    public async Task Connect_BannerLaterThanTheQuietGap_IsStillRead()
    {
        // A link without modem lines (TCP to a network serial server): the banner comes when the chip is ready, not on a reset of ours.
        var noReset = Quick with { ResetStrategies = [] };
        await using var device = new ScriptedDevice((_, _) => Task.CompletedTask);
        var banner = Task.Run(async () =>
        {
            await Task.Delay(200);
            await device.Text("ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n");
        });

        var e = await Assert.ThrowsAsync<FlashException>(() =>
            new Connector(new LoaderClient(device.Host, TimeProvider.System), TimeProvider.System, new EventLog()).ConnectAsync(noReset, CancellationToken.None));
        await banner;

        Assert.Equal(ErrorCodes.ConnectWrongBootMode, e.Error.Code);
    }

    [Fact]
    public async Task Connect_AppOutputFloodsBeforeTheBanner_TheBannerStillNamesTheDeadTxPath()
    {
        // F9: 12 KiB of a fresh board's firmware log, then the ROM in download mode, then silence.
        string flood = string.Concat(Enumerable.Repeat("I (1234) app: sensor reading 0123456789 abcdefghij\r\n", 240));
        await using var device = new ScriptedDevice(
            (_, _) => Task.CompletedTask,
            onLines: (lines, d) =>
            {
                if (!lines.Dtr && !lines.Rts)
                {
                    d.Text(flood + "rst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download\r\n").Wait();
                }
            });

        var e = await Assert.ThrowsAsync<FlashException>(() =>
            new Connector(new LoaderClient(device.Host, TimeProvider.System), TimeProvider.System, new EventLog()).ConnectAsync(Quick, CancellationToken.None));

        Assert.Equal(ErrorCodes.ConnectNoSyncReply, e.Error.Code);
    }

    [Theory]
    [InlineData(ErrorCodes.ConnectWrongBootMode, ErrorCodes.ConnectNoData, ErrorCodes.ConnectWrongBootMode)]
    [InlineData(ErrorCodes.ConnectNoSyncReply, ErrorCodes.ConnectNoSync, ErrorCodes.ConnectNoSyncReply)]
    [InlineData(ErrorCodes.ConnectNoData, ErrorCodes.ConnectNoSync, ErrorCodes.ConnectNoSync)]
    [InlineData(ErrorCodes.ConnectWrongBootMode, ErrorCodes.PortGone, ErrorCodes.PortGone)]
    public void MoreTelling_OfTwoFailedConnects_KeepsTheOneThatNamesTheCause(string earlier, string later, string expected)
    {
        var kept = Connector.MoreTelling(new FlashError(earlier, "earlier", ""), new FlashError(later, "later", ""));

        Assert.Equal(expected, kept.Code);
    }

    [Fact]
    public async Task Connect_DownloadBannerComplete_SyncsWithoutWaitingForTheLineToGoQuiet()
    {
        await using var device = new ScriptedDevice(
            async (command, d) =>
            {
                for (int i = 0; i < 8; i++)
                {
                    await d.Ok(command, LoaderKind.Esp32Rom, value: 0x5520_1207);
                }
            },
            onLines: (lines, d) =>
            {
                if (!lines.Dtr && !lines.Rts)
                {
                    d.Text("rst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download\r\n").Wait();
                }
            });
        var patient = Quick with { BootLogQuiet = TimeSpan.FromSeconds(20), BootLogMax = TimeSpan.FromSeconds(30) };
        long started = TimeProvider.System.GetTimestamp();

        var result = await new Connector(new LoaderClient(device.Host, TimeProvider.System), TimeProvider.System, new EventLog())
            .ConnectAsync(patient, CancellationToken.None);

        Assert.True(result.BootLog.WaitingForDownload);
        Assert.True(TimeProvider.System.GetElapsedTime(started) < patient.BootLogQuiet, "waited for the line to go quiet after the banner");
    }

    [Theory]
    [InlineData("rst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT)\r\nwaiting for download\r\n", true)]
    [InlineData("rst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT)\r\nwaiting for downl", false)]
    [InlineData("rst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT)\r\nwaiting for download", false)]
    [InlineData("rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\nI (31) boot: ESP-IDF v5.4.1\r\n", false)]
    [InlineData("waiting for download\r\n", false)]
    public void BootLog_EndsInDownloadMode_OnlyOnAWholeDownloadBanner(string text, bool expected)
    {
        Assert.Equal(expected, BootLog.EndsInDownloadMode([.. System.Text.Encoding.Latin1.GetBytes(text)]));
    }

    [Fact]
    public void BootLog_Summaries_NameWhatWasSeen()
    {
        Assert.Equal("download mode (boot:0x3)", new BootLog("boot:0x3 (DOWNLOAD)\r\nwaiting for download").Summary);
        Assert.Equal("application boot (boot:0x13)", new BootLog("rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)").Summary);
        Assert.Equal("no output", BootLog.Empty.Summary);
        Assert.True(new BootLog("Guru Meditation Error: Core  0 panic'ed").ShowsCrash);
    }
}
