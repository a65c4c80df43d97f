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
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var options = new SimulatorOptions { Chip = ChipCatalogue.Esp32C3, Count = 1, PtyDirectory = _dir };
        await using var host = await SimulatorHost.StartAsync(options, CancellationToken.None);
        string path = host.Ports[0].PtyPath!;
        Assert.Equal(Path.Combine(_dir, "esp32c3-0"), path);

        IByteLink link = await PosixSerialLink.OpenAsync(path, 115200, CancellationToken.None);
        await using (link)
        {
            await link.WriteAsync(SlipCodec.Encode(Requests.ReadReg(ChipCatalogue.MagicRegister).ToPacket()), CancellationToken.None);
            var decoder = new SlipDecoder();
            var buffer = new byte[4096];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            Response reply = default;
            bool found = false;
            while (!found)
            {
                int n = await link.ReadAsync(buffer, cts.Token);
                ReadOnlySpan<byte> input = buffer.AsSpan(0, n);
                while (!input.IsEmpty && !found)
                {
                    found = decoder.Next(ref input) == SlipToken.Frame && Response.TryParse(decoder.Frame, out reply) && reply.Opcode == Opcode.ReadReg;
                }
            }

            Assert.Equal(ChipCatalogue.Esp32C3.MagicValues[0], reply.Value);
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
