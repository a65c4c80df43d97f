using System.Buffers.Binary;
using System.Security.Cryptography;
using Station.Flashing.Errors;
using Station.Flashing.Events;
using Station.Flashing.Loader;
using Station.Protocol.Commands;
using Station.Protocol.Status;

namespace Station.Flashing.Device;

/// <summary>
/// Reads flash: through the stub with READ_FLASH (data frames acknowledged by running byte count,
/// then a raw MD5 of everything sent, checked here), or through the ROM 64 bytes at a time.
/// </summary>
public sealed class FlashReader(LoaderClient client, TimeProvider time, IFlashEventSink events)
{
    public async Task<byte[]> ReadAsync(uint address, int size, CancellationToken cancellationToken)
    {
        return client.Kind switch
        {
            LoaderKind.Stub => await ReadWithStubAsync(address, size, cancellationToken).ConfigureAwait(false),
            LoaderKind.Esp8266Rom => throw new FlashException(FlashErrors.Unsupported("reading flash", "the ESP8266 ROM loader cannot read flash")),
            _ => await ReadWithRomAsync(address, size, cancellationToken).ConfigureAwait(false),
        };
    }

    private async Task<byte[]> ReadWithStubAsync(uint address, int size, CancellationToken cancellationToken)
    {
        const int packet = BlockSizes.ReadFlashPacket;
        await client.ExecuteAsync(Requests.ReadFlash(address, (uint)size, packet, BlockSizes.ReadFlashMaxInFlight), 0, CommandTimeouts.Default, cancellationToken)
            .ConfigureAwait(false);
        var data = new byte[size];
        var ack = new byte[4];
        int received = 0;
        while (received < size)
        {
            byte[] frame = await client.ReadFrameAsync(CommandTimeouts.Default, cancellationToken).ConfigureAwait(false)
                ?? throw new FlashException(FlashErrors.Timeout(Opcode.ReadFlash, CommandTimeouts.Default, false));
            if (frame.Length > size - received || (frame.Length < packet && received + frame.Length < size))
            {
                throw new FlashException(FlashErrors.Malformed(Opcode.ReadFlash, $"data packet of {frame.Length} bytes at offset {received}"));
            }

            frame.CopyTo(data, received);
            received += frame.Length;
            BinaryPrimitives.WriteUInt32LittleEndian(ack, (uint)received);
            await client.SendFrameAsync(ack, cancellationToken).ConfigureAwait(false);
            events.On(new ReadProgress(time.GetUtcNow(), received, size));
        }

        byte[] digest = await client.ReadFrameAsync(CommandTimeouts.Default, cancellationToken).ConfigureAwait(false)
            ?? throw new FlashException(FlashErrors.Timeout(Opcode.ReadFlash, CommandTimeouts.Default, false));
        if (digest.Length != 16)
        {
            throw new FlashException(FlashErrors.Malformed(Opcode.ReadFlash, $"final digest has {digest.Length} bytes, expected 16"));
        }

        if (!digest.AsSpan().SequenceEqual(MD5.HashData(data)))
        {
            throw new FlashException(FlashErrors.ReadBackCorrupt(address));
        }

        return data;
    }

    private async Task<byte[]> ReadWithRomAsync(uint address, int size, CancellationToken cancellationToken)
    {
        const int block = BlockSizes.ReadFlashSlowBlock;
        var data = new byte[size];
        for (int offset = 0; offset < size; offset += block)
        {
            int n = Math.Min(block, size - offset);
            var reply = await client.ExecuteAsync(Requests.ReadFlashSlow(address + (uint)offset, (uint)n), block, CommandTimeouts.Default, cancellationToken)
                .ConfigureAwait(false);
            if (reply.Result.Length < n)
            {
                throw new FlashException(FlashErrors.Malformed(Opcode.ReadFlashSlow, $"{reply.Result.Length} data bytes, expected {block}"));
            }

            reply.Result.Span[..n].CopyTo(data.AsSpan(offset));
            events.On(new ReadProgress(time.GetUtcNow(), offset + n, size));
        }

        return data;
    }
}
