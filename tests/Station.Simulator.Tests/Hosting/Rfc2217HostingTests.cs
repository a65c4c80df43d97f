using System.Text;
using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Protocol.Slip;
using Station.Simulator.Device;
using Station.Simulator.Hosting;
using Station.Transport.Reset;
using Station.Transport.Rfc2217;

namespace Station.Simulator.Tests.Hosting;

/// <summary>
/// The simulator as an RFC 2217 port: what the client does to DTR/RTS and the baud reaches the board
/// through its auto-program circuit, observed on the device side (its boot log and its activity).
/// </summary>
public sealed class Rfc2217HostingTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly List<DeviceEvent> _events = [];
    private SimulatorHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Chip = ChipCatalogue.Esp32,
            Count = 1,
            Rfc2217BasePort = 0,
            Events = e =>
            {
                lock (_events)
                {
                    _events.Add(e);
                }
            },
        }, CancellationToken.None);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Connect_WithoutAReset_TheBoardBootsFromFlashAndIgnoresSync()
    {
        using var cts = new CancellationTokenSource(Patience);
        await using var link = await Rfc2217Link.ConnectAsync(Url, 115200, cts.Token);
        var probe = new Probe(link);

        string log = await probe.ReadUntilAsync("invalid header: 0xffffffff", cts.Token);
        await link.WriteAsync(SlipCodec.Encode(Requests.Sync().ToPacket()), cts.Token);

        Assert.Contains("rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Activities(), a => a == DeviceActivity.RomLoader);
    }

    // The slow variants hold IO0 low for 0.55 s after EN rises: on a loaded machine a 50 ms hold can be
    // delivered late enough to miss the strap sampling, as on a slow network. The exact line sequence of
    // every strategy is checked at the port end by Rfc2217LinkTests.
    [Theory]
    [InlineData("classic-slow")]
    [InlineData("unix-tight-slow")]
    [InlineData("D0|R1|W0.1|D1|R0|W0.5|D0")]
    public async Task ResetSequence_ReachesTheBoardAndBootsItIntoDownloadMode(string strategy)
    {
        using var cts = new CancellationTokenSource(Patience);
        await using var link = await Rfc2217Link.ConnectAsync(Url, 115200, cts.Token);
        var probe = new Probe(link);
        await probe.ReadUntilAsync("invalid header", cts.Token);

        await ResetStrategies.Parse(strategy).ResetAsync(link, TimeProvider.System, cts.Token);
        string log = await probe.ReadUntilAsync("waiting for download", cts.Token);
        await link.WriteAsync(SlipCodec.Encode(Requests.Sync().ToPacket()), cts.Token);
        byte[] reply = await probe.ReadFrameAsync(cts.Token);

        Assert.Contains("boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download", log, StringComparison.Ordinal);
        Assert.Equal([0x01, (byte)Opcode.Sync], reply[..2]);
        // Download mode came from EN pulled low by the client, not from power-on.
        Assert.Contains(Events(), e => e.Activity == DeviceActivity.RomLoader && e.Detail == $"download mode ({Station.Simulator.Boot.ResetCause.ExternalReset})");
    }

    [Fact]
    public async Task HardReset_AfterDownloadMode_BootsTheBoardFromFlashAgain()
    {
        using var cts = new CancellationTokenSource(Patience);
        await using var link = await Rfc2217Link.ConnectAsync(Url, 115200, cts.Token);
        var probe = new Probe(link);
        await new ClassicReset(ResetStrategies.SlowDelay).ResetAsync(link, TimeProvider.System, cts.Token);
        await probe.ReadUntilAsync("waiting for download", cts.Token);

        int downloadAt = probe.Text.IndexOf("waiting for download", StringComparison.Ordinal);

        await new HardReset().ResetAsync(link, TimeProvider.System, cts.Token);
        string log = await probe.ReadUntilAsync("boot:0x13", cts.Token, after: downloadAt);

        Assert.Contains("rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)", log[downloadAt..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Baud_TheClientsRateIsTheHostBaudTheBoardHears()
    {
        using var cts = new CancellationTokenSource(Patience);
        await using var link = await Rfc2217Link.ConnectAsync(Url, 115200, cts.Token);
        var probe = new Probe(link);
        await new ClassicReset(ResetStrategies.SlowDelay).ResetAsync(link, TimeProvider.System, cts.Token);
        await probe.ReadUntilAsync("waiting for download", cts.Token);

        await link.WriteAsync(SlipCodec.Encode(Requests.Sync().ToPacket()), cts.Token);
        for (int i = 0; i < 8; i++)
        {
            await probe.ReadFrameAsync(cts.Token);
        }

        // The ROM listens at 115200: a request sent at 921600 is garbage to it and gets no answer, so the
        // first reply after switching back is the one to the request sent at 115200.
        await link.SetBaudAsync(921600, cts.Token);
        await link.WriteAsync(SlipCodec.Encode(Requests.ReadReg(0x3FF5A004).ToPacket()), cts.Token);
        await link.SetBaudAsync(115200, cts.Token);
        await link.WriteAsync(SlipCodec.Encode(Requests.Sync().ToPacket()), cts.Token);
        byte[] reply = await probe.ReadFrameAsync(cts.Token);

        Assert.Equal([0x01, (byte)Opcode.Sync], reply[..2]);
    }

    private string Url => _host.Ports[0].Rfc2217Url!;

    private List<DeviceActivity> Activities() => [.. Events().Select(e => e.Activity)];

    private List<DeviceEvent> Events()
    {
        lock (_events)
        {
            return [.. _events];
        }
    }

    /// <summary>Reads the client's side: boot text outside frames, and SLIP frames.</summary>
    private sealed class Probe(Rfc2217Link link)
    {
        private readonly SlipDecoder _decoder = new(maxFrameLength: 4096, noiseCapacity: 64 * 1024);
        private readonly byte[] _buffer = new byte[4096];
        private readonly Queue<byte[]> _frames = new();

        /// <summary>Boot text outside frames so far.</summary>
        public string Text => Encoding.Latin1.GetString(_decoder.Noise());

        /// <summary>Reads until <paramref name="text"/> appears in the boot text (at or after <paramref name="after"/>).</summary>
        public async Task<string> ReadUntilAsync(string text, CancellationToken cancellationToken, int after = 0)
        {
            while (Text.IndexOf(text, Math.Max(0, after), StringComparison.Ordinal) < 0)
            {
                try
                {
                    await FillAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException($"'{text}' never came; the client saw: {Text}");
                }
            }

            return Text;
        }

        public async Task<byte[]> ReadFrameAsync(CancellationToken cancellationToken)
        {
            while (_frames.Count == 0)
            {
                await FillAsync(cancellationToken);
            }

            return _frames.Dequeue();
        }

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            int n = await link.ReadAsync(_buffer, cancellationToken);
            ReadOnlySpan<byte> input = _buffer.AsSpan(0, n);
            while (!input.IsEmpty)
            {
                if (_decoder.Next(ref input) == SlipToken.Frame)
                {
                    _frames.Enqueue(_decoder.Frame.ToArray());
                }
            }
        }
    }
}
