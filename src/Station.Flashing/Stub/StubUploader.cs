using System.Text;
using Station.Flashing.Errors;
using Station.Flashing.Events;
using Station.Flashing.Loader;
using Station.Protocol.Commands;
using Station.Protocol.Status;
using Station.Protocol.Stubs;

namespace Station.Flashing.Stub;

/// <summary>
/// Uploads the flasher stub into RAM through the ROM (MEM_BEGIN / MEM_DATA / MEM_END) and waits
/// for its <c>OHAI</c> greeting. A MEM_DATA checksum rejection is field failure F1: bytes damaged
/// on the serial link. The ROM consumed nothing of a rejected block, so it is sent again (up to
/// <see cref="BlockRetries"/> times); after that the failure is named as such rather than as a timeout.
/// </summary>
public sealed class StubUploader(LoaderClient client, TimeProvider time, IFlashEventSink events)
{
    /// <summary>Resends of one MEM_DATA block the ROM rejected as corrupted.</summary>
    public int BlockRetries { get; init; } = 3;

    private static readonly byte[] Greeting = Encoding.ASCII.GetBytes("OHAI");

    public async Task UploadAsync(StubImage stub, int ramBlockSize, CancellationToken cancellationToken)
    {
        foreach (var (address, bytes) in stub.Segments())
        {
            uint blocks = (uint)((bytes.Length + ramBlockSize - 1) / ramBlockSize);
            await client.ExecuteAsync(Requests.MemBegin((uint)bytes.Length, blocks, (uint)ramBlockSize, address), 0, CommandTimeouts.Default, cancellationToken)
                .ConfigureAwait(false);
            for (int seq = 0; seq < blocks; seq++)
            {
                int start = seq * ramBlockSize;
                await SendBlockAsync(address, seq, bytes.AsMemory(start, Math.Min(ramBlockSize, bytes.Length - start)), cancellationToken).ConfigureAwait(false);
            }
        }

        // The ROM may or may not answer MEM_END before the new code takes over the UART.
        await client.SendAsync(Requests.MemEnd(stub.Entry), cancellationToken).ConfigureAwait(false);
        try
        {
            await client.ReadResponseAsync(Opcode.MemEnd, CommandTimeouts.MemEndRom, cancellationToken).ConfigureAwait(false);
        }
        catch (FlashException)
        {
            // Expected on some chips: the reply is optional.
        }

        await WaitForGreetingAsync(cancellationToken).ConfigureAwait(false);
        client.Kind = LoaderKind.Stub;
    }

    private async Task SendBlockAsync(uint address, int seq, ReadOnlyMemory<byte> block, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await client.ExecuteDataAsync(Opcode.MemData, (uint)seq, block, CommandTimeouts.Default, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (FlashException e) when (e.DeviceError is { Code: (byte)RomErrorCode.InvalidCrc } error)
            {
                var named = FlashErrors.RamUploadCorrupt(error.Code);
                if (attempt > BlockRetries)
                {
                    throw new FlashException(named, e) { DeviceError = error };
                }

                events.On(new RamBlockRetried(time.GetUtcNow(), address, seq, attempt, named));
            }
        }
    }

    private async Task WaitForGreetingAsync(CancellationToken cancellationToken)
    {
        // Late replies (e.g. to MEM_END) may arrive first; only OHAI counts, within one overall timeout.
        long start = time.GetTimestamp();
        while (true)
        {
            var left = CommandTimeouts.StubGreeting - time.GetElapsedTime(start);
            byte[]? frame = left > TimeSpan.Zero ? await client.ReadFrameAsync(left, cancellationToken).ConfigureAwait(false) : null;
            if (frame is null)
            {
                break;
            }

            if (frame.AsSpan().SequenceEqual(Greeting))
            {
                return;
            }
        }

        throw new FlashException(FlashErrors.StubNoGreeting());
    }
}
