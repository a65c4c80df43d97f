using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Protocol.Slip;
using Station.Simulator.Hosting;
using Station.Transport.Tcp;

namespace Station.Simulator.Tests.Hosting;

public sealed class SimulatorHostTests : IDisposable
{
    private readonly string _dumps = Path.Combine(Path.GetTempPath(), "sim-dumps-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Tcp_TwoClientsTwoDevices_DistinctMacsAndDumpsWritten()
    {
        var options = new SimulatorOptions { Chip = ChipCatalogue.Esp32, Count = 2, TcpBasePort = 0, DumpDirectory = _dumps, Seed = 3 };
        var host = await SimulatorHost.StartAsync(options, CancellationToken.None);
        var macs = new List<MacAddress>();
        try
        {
            foreach (var port in host.Ports)
            {
                await using var link = await TcpLink.ConnectAsync(port.Url!, 115200, CancellationToken.None);
                macs.Add(await ReadMacAsync(link));
                await WriteOneBlockAsync(link, (byte)(0x10 + port.Index));
            }

            // Closing the client dumps the device; wait for the file rather than sleeping.
            foreach (var port in host.Ports)
            {
                string path = Path.Combine(_dumps, port.Device.DumpFileName);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                while (!File.Exists(path))
                {
                    await Task.Delay(10, cts.Token);
                }
            }
        }
        finally
        {
            await host.DisposeAsync();
        }

        Assert.Equal(host.Ports.Select(p => p.Mac), macs);
        Assert.NotEqual(macs[0], macs[1]);
        foreach (var port in host.Ports)
        {
            byte[] dump = await File.ReadAllBytesAsync(Path.Combine(_dumps, port.Device.DumpFileName));
            Assert.Equal(4 * 1024 * 1024, dump.Length);
            Assert.All(dump.AsSpan(0x8000, 0x400).ToArray(), b => Assert.Equal(0x10 + port.Index, b));
            Assert.Equal(0xFF, dump[0x8400]);
        }

        Assert.Matches(@"^[0-9A-F]{2}(-[0-9A-F]{2}){5}\.bin$", host.Ports[0].Device.DumpFileName);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dumps))
        {
            Directory.Delete(_dumps, recursive: true);
        }
    }

    private static async Task<MacAddress> ReadMacAsync(TcpLink link)
    {
        uint mac0 = (await CommandAsync(link, Requests.ReadReg(ChipCatalogue.Esp32.Mac.Mac0))).Value;
        uint mac1 = (await CommandAsync(link, Requests.ReadReg(ChipCatalogue.Esp32.Mac.Mac1))).Value;
        return new MacAddress([(byte)(mac1 >> 8), (byte)mac1, (byte)(mac0 >> 24), (byte)(mac0 >> 16), (byte)(mac0 >> 8), (byte)mac0]);
    }

    private static async Task WriteOneBlockAsync(TcpLink link, byte fill)
    {
        var block = new byte[0x400];
        Array.Fill(block, fill);
        Assert.Equal(0, (await CommandAsync(link, Requests.FlashBegin(0x400, 1, 0x400, 0x8000))).Data.Span[0]);
        Assert.Equal(0, (await CommandAsync(link, Requests.FlashData(0, block))).Data.Span[0]);
    }

    private static async Task<Response> CommandAsync(TcpLink link, Command command)
    {
        await link.WriteAsync(SlipCodec.Encode(command.ToPacket()), CancellationToken.None);
        var decoder = new SlipDecoder();
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (true)
        {
            int n = await link.ReadAsync(buffer, cts.Token);
            ReadOnlySpan<byte> input = buffer.AsSpan(0, n);
            while (!input.IsEmpty)
            {
                if (decoder.Next(ref input) == SlipToken.Frame && Response.TryParse(decoder.Frame, out var response) && response.Opcode == command.Opcode)
                {
                    return response;
                }
            }
        }
    }
}
