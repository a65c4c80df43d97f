using Station.Flashing.Errors;
using Station.Flashing.Events;
using Station.Flashing.Loader;
using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Protocol.Status;

namespace Station.Flashing.Write;

/// <summary>
/// Writes one prepared region through whichever loader answers (ROM or stub), compressed or plain,
/// following each loader's rules (esp-serial-protocol.md §12): begin-word meanings, block sizes,
/// block timeouts scaled by what a block makes the device erase and program, and the stub's deferred
/// errors, which are collected by ending the write.
/// </summary>
public sealed class RegionWriter(LoaderClient client, ChipSpec chip, TimeProvider time, IFlashEventSink events)
{
    /// <summary>Retries of a single block the device rejected as corrupted (nothing was consumed).</summary>
    public int BlockRetries { get; init; } = 3;

    /// <summary>Ask the device's MD5 of an erased span first and leave it alone when it is erased already (profile: verification.skipMatching).</summary>
    public bool SkipErased { get; init; }

    public async Task WriteAsync(PreparedRegion region, bool compress, CancellationToken cancellationToken)
    {
        bool stub = client.Kind == LoaderKind.Stub;
        bool compressed = compress && region.IsCompressed && client.Kind != LoaderKind.Esp8266Rom;
        int blockSize = stub ? BlockSizes.StubFlashWrite : BlockSizes.RomFlashWrite;

        // ESP32-S2-and-newer ROMs take a fifth begin word (encrypted = 0); the ESP32 ROM and the stub take four.
        uint? fifthWord = !stub && chip.Rom == RomFamily.Esp32S2OrNewer ? 0u : null;
        var started = time.GetTimestamp();
        if (compressed)
        {
            await WriteCompressedAsync(region, stub, blockSize, fifthWord, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await WritePlainAsync(region, stub, blockSize, fifthWord, cancellationToken).ConfigureAwait(false);
        }

        events.On(new RegionWritten(time.GetUtcNow(), region.Index, region.Address, time.GetElapsedTime(started)));
    }

    private async Task WriteCompressedAsync(PreparedRegion region, bool stub, int blockSize, uint? fifthWord, CancellationToken cancellationToken)
    {
        IReadOnlyList<RegionSpan> spans = region.Spans.Count > 0 && region.Spans.All(s => s.Erased || s.Compressed is not null)
            ? region.Spans
            : [new RegionSpan(0, region.Data.Length, Erased: false, region.Compressed, region.Md5)];
        int wireTotal = spans.Sum(s => s.Compressed?.Length ?? 0);
        int blocksTotal = spans.Sum(s => s.Compressed is { } c ? (c.Length + blockSize - 1) / blockSize : 0);
        events.On(new RegionStarted(time.GetUtcNow(), region.Index, region.Address, region.Data.Length, wireTotal, Compressed: true));
        var progress = (Wire: 0, Blocks: 0);
        foreach (var span in spans)
        {
            if (span.Erased)
            {
                await EraseSpanAsync(region, span, fifthWord, cancellationToken).ConfigureAwait(false);
                continue;
            }

            progress = await WriteCompressedSpanAsync(region, span, stub, blockSize, fifthWord, progress, (wireTotal, blocksTotal), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes one data span (the whole region when it has no erased runs) as one compressed stream.</summary>
    private async Task<(int Wire, int Blocks)> WriteCompressedSpanAsync(PreparedRegion region, RegionSpan span, bool stub, int blockSize, uint? fifthWord,
        (int Wire, int Blocks) done, (int Wire, int Blocks) total, CancellationToken cancellationToken)
    {
        var image = span.Compressed!;
        uint size = (uint)span.Length;
        uint address = span.AddressIn(region);
        int blocks = (image.Length + blockSize - 1) / blockSize;

        // Stub: the exact size. ROM: rounded up to whole blocks, and it erases all of that before replying.
        uint beginSize = stub ? size : (uint)((size + blockSize - 1) / blockSize * blockSize);
        var beginTimeout = stub ? CommandTimeouts.Default : CommandTimeouts.EraseRegion(beginSize);
        await client.ExecuteAsync(Requests.FlashDeflBegin(beginSize, (uint)blocks, (uint)blockSize, address, fifthWord), 0, beginTimeout, cancellationToken)
            .ConfigureAwait(false);

        var timeout = CommandTimeouts.Default;
        for (int seq = 0; seq < blocks; seq++)
        {
            int start = seq * blockSize;
            int end = Math.Min(start + blockSize, image.Length);
            var blockTimeout = CommandTimeouts.WriteBlock(image.InflatedUpperBound(start, end));

            // The ROM programs a block before answering; the stub answers first and programs while the
            // next block arrives, so the cost of block N shows up in the reply to block N+1.
            if (!stub)
            {
                timeout = blockTimeout;
            }

            await SendBlockAsync(Opcode.FlashDeflData, image.Bytes.AsMemory(start, end - start), region.Index, seq, timeout, cancellationToken).ConfigureAwait(false);
            events.On(new WriteProgress(time.GetUtcNow(), region.Index, done.Wire + end, total.Wire, done.Blocks + seq + 1, total.Blocks));
            if (stub)
            {
                timeout = blockTimeout;
            }
        }

        if (stub)
        {
            // Leaves flash mode without rebooting and reports the last deferred write or inflate error.
            await client.ExecuteAsync(Requests.FlashDeflEnd(1), 0, timeout, cancellationToken).ConfigureAwait(false);
        }

        return (done.Wire + image.Length, done.Blocks + blocks);
    }

    /// <summary>
    /// Makes a run of whole sectors erased, as the image wants them: ERASE_REGION on the stub, an erasing FLASH_BEGIN on
    /// the ROM — the erase alone, without programming 0xFF pages. With <see cref="SkipErased"/> the device's MD5 is asked
    /// first, and a run that is erased already (a blank board) is left alone.
    /// </summary>
    private async Task EraseSpanAsync(PreparedRegion region, RegionSpan span, uint? fifthWord, CancellationToken cancellationToken)
    {
        uint address = span.AddressIn(region);
        uint size = (uint)span.Length;
        if (SkipErased)
        {
            bool stubMd5 = client.Kind == LoaderKind.Stub;
            var reply = await client.ExecuteAsync(Requests.SpiFlashMd5(address, size), stubMd5 ? Md5Reply.StubLength : Md5Reply.RomLength,
                CommandTimeouts.Md5(size), cancellationToken).ConfigureAwait(false);
            if (Md5Reply.ToHex(reply.Result.Span, stubMd5) == span.Md5)
            {
                events.On(new Notice(time.GetUtcNow(), "erased-span-kept", $"0x{address:X}..0x{address + size:X} is erased already: left as it is."));
                return;
            }
        }

        var timeout = CommandTimeouts.EraseRegion(size);
        if (client.Kind == LoaderKind.Stub)
        {
            await client.ExecuteAsync(Requests.EraseRegion(address, size), 0, timeout, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await client.ExecuteAsync(Requests.FlashBegin(size, 0, BlockSizes.RomFlashWrite, address, fifthWord), 0, timeout, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WritePlainAsync(PreparedRegion region, bool stub, int blockSize, uint? fifthWord, CancellationToken cancellationToken)
    {
        byte[] data = region.Data;
        uint size = (uint)data.Length;
        int blocks = (data.Length + blockSize - 1) / blockSize;
        uint eraseSize = client.Kind == LoaderKind.Esp8266Rom ? Esp8266RomQuirks.EraseSizeToSend(region.Address, size) : size;
        var beginTimeout = stub ? CommandTimeouts.Default : CommandTimeouts.EraseRegion(size);
        events.On(new RegionStarted(time.GetUtcNow(), region.Index, region.Address, data.Length, blocks * blockSize, Compressed: false));
        await client.ExecuteAsync(Requests.FlashBegin(eraseSize, (uint)blocks, (uint)blockSize, region.Address, fifthWord), 0, beginTimeout, cancellationToken)
            .ConfigureAwait(false);

        var blockTimeout = CommandTimeouts.WriteBlock(blockSize);
        byte[] padded = new byte[blockSize];
        for (int seq = 0; seq < blocks; seq++)
        {
            int start = seq * blockSize;
            int n = Math.Min(blockSize, data.Length - start);
            data.AsSpan(start, n).CopyTo(padded);
            padded.AsSpan(n).Fill(0xFF);
            await SendBlockAsync(Opcode.FlashData, padded, region.Index, seq, blockTimeout, cancellationToken).ConfigureAwait(false);
            events.On(new WriteProgress(time.GetUtcNow(), region.Index, (seq + 1) * blockSize, blocks * blockSize, seq + 1, blocks));
        }

        if (stub)
        {
            await client.ExecuteAsync(Requests.FlashEnd(1), 0, blockTimeout, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends one data block. Only a block the device rejected on arrival (bad checksum or length) is
    /// resent: then nothing of it was consumed. Any other failure ends the region.
    /// </summary>
    private async Task SendBlockAsync(Opcode opcode, ReadOnlyMemory<byte> block, int region, int seq, TimeSpan timeout, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                // Escaped straight from the job's image: no per-block packet, copy or allocation.
                await client.ExecuteDataAsync(opcode, (uint)seq, block, timeout, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (FlashException e) when (attempt <= BlockRetries && RejectedOnArrival(e.DeviceError))
            {
                events.On(new BlockRetried(time.GetUtcNow(), region, seq, attempt, e.Error));
            }
        }
    }

    private static bool RejectedOnArrival(DeviceError? error) => error switch
    {
        { Loader: LoaderKind.Stub, Code: (byte)StubErrorCode.BadDataChecksum or (byte)StubErrorCode.BadDataLength } => true,
        { Loader: not LoaderKind.Stub, Code: (byte)RomErrorCode.InvalidCrc } => true,
        _ => false,
    };
}
