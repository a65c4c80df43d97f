using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Protocol.Slip;
using Station.Simulator.Device;
using Station.Simulator.Tests.Support;
using Station.Transport.Links;

namespace Station.Simulator.Tests.Hosting;

/// <summary>Raw SLIP over a served port (TCP or pty), with Protocol's builders and parser only — never the station's client.</summary>
internal static class HostWire
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task<Response> CommandAsync(IByteLink link, Command command)
    {
        var decoder = new SlipDecoder();
        var buffer = new byte[4096];
        using var overall = new CancellationTokenSource(Timeout);
        await link.WriteAsync(SlipCodec.Encode(command.ToPacket()), overall.Token);
        while (true)
        {
            int n = await link.ReadAsync(buffer, overall.Token);
            if (n == 0)
            {
                throw new LinkException(LinkFailure.Gone, link.Name, $"{link.Name} reached its end.");
            }

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

    /// <summary>The MAC from its eFuse words, as esptool reads it.</summary>
    public static async Task<MacAddress> ReadMacAsync(IByteLink link, ChipSpec chip)
    {
        uint mac0 = (await CommandAsync(link, Requests.ReadReg(chip.Mac.Mac0))).Value;
        uint mac1 = (await CommandAsync(link, Requests.ReadReg(chip.Mac.Mac1))).Value;
        return new MacAddress([(byte)(mac1 >> 8), (byte)mac1, (byte)(mac0 >> 24), (byte)(mac0 >> 16), (byte)(mac0 >> 8), (byte)mac0]);
    }

    /// <summary>A ROM write in 1 KiB blocks, every block checked; throws <see cref="LinkException"/> when the port goes away.</summary>
    public static async Task RomWriteAsync(IByteLink link, uint offset, byte[] data)
    {
        const int block = 0x400;
        uint blocks = (uint)((data.Length + block - 1) / block);
        Assert.Equal(0, (await CommandAsync(link, Requests.FlashBegin((uint)data.Length, blocks, block, offset))).Data.Span[0]);
        uint seq = 0;
        foreach (byte[] chunk in Images.Blocks(data, block, padWithFf: true))
        {
            Assert.Equal(0, (await CommandAsync(link, Requests.FlashData(seq++, chunk))).Data.Span[0]);
        }
    }

    /// <summary>Completes with the first event of <paramref name="device"/> that <paramref name="match"/> accepts (subscribe before acting).</summary>
    public static Task<DeviceEvent> NextEventAsync(SimulatedDevice device, Func<DeviceEvent, bool> match)
    {
        var seen = new TaskCompletionSource<DeviceEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Handler(DeviceEvent e)
        {
            if (match(e) && seen.TrySetResult(e))
            {
                device.ActivityChanged -= Handler;
            }
        }

        device.ActivityChanged += Handler;
        return seen.Task.WaitAsync(Timeout);
    }

    public static bool PluggedInAgain(DeviceEvent e) => e.Detail.StartsWith("plugged in again", StringComparison.Ordinal);
}
