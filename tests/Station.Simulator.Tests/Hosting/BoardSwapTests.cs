using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Protocol.Slip;
using Station.Simulator.Hosting;
using Station.Simulator.Registers;
using Station.Transport.Links;
using Station.Transport.Serial;
using Station.Transport.Tcp;

namespace Station.Simulator.Tests.Hosting;

/// <summary>A line swaps the unit in a slot for the next one: new MAC, erased flash, the old flash dumped.</summary>
public sealed class BoardSwapTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sim-swap-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task ReplaceBoard_TcpClientConnected_NewMacOldFlashDumpedClientDropped()
    {
        var options = new SimulatorOptions { Chip = ChipCatalogue.Esp32, Count = 2, TcpBasePort = 0, DumpDirectory = _dir, Seed = 3 };
        await using var host = await SimulatorHost.StartAsync(options, CancellationToken.None);
        var before = host.Ports.ToArray();
        await using var client = await TcpLink.ConnectAsync(before[0].Url!, 115200, CancellationToken.None);
        Assert.Equal(before[0].Mac, await ReadMacAsync(client));
        await WriteOneBlockAsync(client, 0x5A);

        var swapped = await host.ReplaceBoardAsync(0, CancellationToken.None);

        Assert.Equal(0, swapped.Index);
        Assert.Equal(before[0].Url, swapped.Url);
        Assert.NotEqual(before[0].Mac, swapped.Mac);
        Assert.NotEqual(before[1].Mac, swapped.Mac);
        Assert.Same(swapped.Device, host.Devices[0]);
        Assert.Equal(swapped.Mac, host.Ports[0].Mac);
        Assert.Equal(0, swapped.Device.Flash.AllocatedSectors);

        byte[] dump = await File.ReadAllBytesAsync(Path.Combine(_dir, before[0].Device.DumpFileName));
        Assert.All(dump.AsSpan(0x8000, 0x400).ToArray(), b => Assert.Equal(0x5A, b));

        var gone = await Assert.ThrowsAsync<LinkException>(async () => await client.ReadAsync(new byte[64], new CancellationTokenSource(Timeout).Token));
        Assert.Equal(LinkFailure.Gone, gone.Failure);

        await using var next = await TcpLink.ConnectAsync(swapped.Url!, 115200, CancellationToken.None);
        Assert.Equal(swapped.Mac, await ReadMacAsync(next));
    }

    [Fact]
    public async Task ReplaceBoard_ManySwaps_MacsUniqueAndRepeatableForTheSameSeed()
    {
        async Task<List<MacAddress>> RunAsync()
        {
            var options = new SimulatorOptions { Chip = ChipCatalogue.Esp32S3, Count = 3, TcpBasePort = 0, Seed = 11 };
            await using var host = await SimulatorHost.StartAsync(options, CancellationToken.None);
            var macs = host.Ports.Select(p => p.Mac).ToList();
            for (int i = 0; i < 12; i++)
            {
                macs.Add((await host.ReplaceBoardAsync(i % 3, CancellationToken.None)).Mac);
            }

            return macs;
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(15, first.Distinct().Count());
        Assert.Equal(first, second);
        Assert.All(first, m => Assert.StartsWith("7C:DF:A1:", m.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReplaceBoard_InitialBoards_KeepTheirFormerMacs()
    {
        var options = new SimulatorOptions { Chip = ChipCatalogue.Esp32, Count = 2, TcpBasePort = 0, Seed = 7 };
        await using var host = await SimulatorHost.StartAsync(options, CancellationToken.None);

        Assert.Equal([DeviceMacs.For(ChipCatalogue.Esp32, 7, 0), DeviceMacs.For(ChipCatalogue.Esp32, 7, 1)], host.Ports.Select(p => p.Mac));
        Assert.Equal(DeviceMacs.For(ChipCatalogue.Esp32, 7, 2), (await host.ReplaceBoardAsync(1, CancellationToken.None)).Mac);
    }

    [Fact]
    public async Task ReplaceBoard_Pty_HostKeepsItsFdAndReachesTheNewBoard()
    {
        var options = new SimulatorOptions { Chip = ChipCatalogue.Esp32C3, Count = 1, PtyDirectory = _dir };
        await using var host = await SimulatorHost.StartAsync(options, CancellationToken.None);
        var before = host.Ports[0];
        IByteLink pty = await PosixSerialLink.OpenAsync(before.PtyPath!, 115200, CancellationToken.None);
        await using (pty)
        {
            Assert.Equal(before.Mac, await ReadMacAsync(pty, ChipCatalogue.Esp32C3));

            var swapped = await host.ReplaceBoardAsync(0, CancellationToken.None);

            Assert.Equal(before.PtyPath, swapped.PtyPath);
            Assert.Equal(swapped.Mac, await ReadMacAsync(pty, ChipCatalogue.Esp32C3));
        }
    }

    [Fact]
    public async Task ReplaceBoard_IndexOutsideTheFleet_Throws()
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorOptions { Count = 1, TcpBasePort = 0 }, CancellationToken.None);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.ReplaceBoardAsync(1, CancellationToken.None));
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    /// <summary>
    /// Reads the MAC eFuse words. A board that just powered on hears a request sent as soon as the port is
    /// open (the UART listens from power-on, whenever the device's task gets round to it), so no retry is
    /// needed — and a retry would leave a second READ_REG reply that a later read takes for its own.
    /// </summary>
    private static async Task<MacAddress> ReadMacAsync(IByteLink link, ChipSpec? chip = null)
    {
        chip ??= ChipCatalogue.Esp32;
        Assert.Equal(chip.MagicValues[0], (await CommandAsync(link, Requests.ReadReg(ChipCatalogue.MagicRegister))).Value);
        uint mac0 = (await CommandAsync(link, Requests.ReadReg(chip.Mac.Mac0))).Value;
        uint mac1 = (await CommandAsync(link, Requests.ReadReg(chip.Mac.Mac1))).Value;
        return new MacAddress([(byte)(mac1 >> 8), (byte)mac1, (byte)(mac0 >> 24), (byte)(mac0 >> 16), (byte)(mac0 >> 8), (byte)mac0]);
    }

    private static async Task WriteOneBlockAsync(IByteLink link, byte fill)
    {
        var block = new byte[0x400];
        Array.Fill(block, fill);
        Assert.Equal(0, (await CommandAsync(link, Requests.FlashBegin(0x400, 1, 0x400, 0x8000))).Data.Span[0]);
        Assert.Equal(0, (await CommandAsync(link, Requests.FlashData(0, block))).Data.Span[0]);
    }

    private static async Task<Response> CommandAsync(IByteLink link, Command command)
    {
        var decoder = new SlipDecoder();
        var buffer = new byte[4096];
        using var overall = new CancellationTokenSource(Timeout);
        await link.WriteAsync(SlipCodec.Encode(command.ToPacket()), overall.Token);
        while (true)
        {
            int n = await link.ReadAsync(buffer, overall.Token);
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
