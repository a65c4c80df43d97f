using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Protocol.Slip;
using Station.Simulator.Hosting;
using Station.Transport.Links;
using Station.Transport.Serial;

namespace Station.Simulator.Tests.Hosting;

public sealed class PtyHostingTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sim-pty-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Pty_HostOpensSymlink_DeviceInDownloadModeAnswers()
    {
        var options = new SimulatorOptions { Chip = ChipCatalogue.Esp32C3, Count = 1, PtyDirectory = _dir };
        await using var host = await SimulatorHost.StartAsync(options, CancellationToken.None);
        string path = host.Ports[0].PtyPath!;
        Assert.Equal(Path.Combine(_dir, "esp32c3-0"), path);

        IByteLink link = await PosixSerialLink.OpenAsync(path, 115200, CancellationToken.None);
        await using (link)
        {
            Assert.Equal(ChipCatalogue.Esp32C3.MagicValues[0], await ReadMagicAsync(link));
        }
    }

    [Fact]
    public async Task TcpAndPty_TcpSessionTakesTheDevice_ThenThePtyHasItBack()
    {
        var options = new SimulatorOptions { Chip = ChipCatalogue.Esp32, Count = 1, PtyDirectory = _dir, TcpBasePort = 0 };
        await using var host = await SimulatorHost.StartAsync(options, CancellationToken.None);

        IByteLink pty = await PosixSerialLink.OpenAsync(host.Ports[0].PtyPath!, 115200, CancellationToken.None);
        await using (pty)
        {
            Assert.Equal(ChipCatalogue.Esp32.MagicValues[0], await ReadMagicAsync(pty));
            await using (var tcp = await Station.Transport.Tcp.TcpLink.ConnectAsync(host.Ports[0].Url!, 115200, CancellationToken.None))
            {
                Assert.Equal(ChipCatalogue.Esp32.MagicValues[0], await ReadMagicAsync(tcp));
            }

            Assert.Equal(ChipCatalogue.Esp32.MagicValues[0], await ReadMagicAsync(pty));
        }
    }

    /// <summary>READ_REG of the magic register; retried because a device handed between fixtures takes a moment to power on.</summary>
    private static async Task<uint> ReadMagicAsync(IByteLink link)
    {
        var decoder = new SlipDecoder();
        var buffer = new byte[4096];
        using var overall = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            await link.WriteAsync(SlipCodec.Encode(Requests.ReadReg(ChipCatalogue.MagicRegister).ToPacket()), overall.Token);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(overall.Token);
            attempt.CancelAfter(TimeSpan.FromMilliseconds(300));
            try
            {
                while (true)
                {
                    int n = await link.ReadAsync(buffer, attempt.Token);
                    ReadOnlySpan<byte> input = buffer.AsSpan(0, n);
                    while (!input.IsEmpty)
                    {
                        if (decoder.Next(ref input) == SlipToken.Frame && Response.TryParse(decoder.Frame, out var reply) && reply.Opcode == Opcode.ReadReg)
                        {
                            return reply.Value;
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (!overall.IsCancellationRequested)
            {
                // No reply yet: ask again.
            }
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
