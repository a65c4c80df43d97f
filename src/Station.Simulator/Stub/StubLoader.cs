using System.Buffers.Binary;
using System.Security.Cryptography;
using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Protocol.Status;
using Station.Simulator.Device;
using Station.Simulator.Flash;
using Station.Simulator.Loader;

namespace Station.Simulator.Stub;

/// <summary>
/// esptool's legacy flasher stub (set "1"), as seen on the wire (esp-serial-protocol.md §3, §4, §11,
/// §12, §14):
/// <list type="bullet">
/// <item>2 status bytes, error code first (<c>C1 00</c>); value field 0 except READ_REG.</item>
/// <item>A data field larger than 0x4000 + 16 bytes → <c>C0 EE</c>; unknown opcodes → <c>FF 00</c>.</item>
/// <item>Exact lengths: FLASH_BEGIN/DEFL_BEGIN 4 words (block size &gt; 0x4000 → C2), SPI_ATTACH 4 bytes,
/// WRITE_REG any multiple of 16 bytes; a wrong length → C0.</item>
/// <item>DATA blocks are acknowledged on receipt and written after the reply, so write and inflate
/// errors surface one block later or at FLASH_END (<see cref="StubFlashWriter"/>).</item>
/// </list>
/// </summary>
internal sealed class StubLoader : IDisposable
{
    private const int SyncReplies = 8;
    private static readonly byte[] Greeting = "OHAI"u8.ToArray();

    private readonly LoaderContext _context;
    private readonly StubFlashWriter _writer;

    public StubLoader(LoaderContext context)
    {
        _context = context;
        _writer = new StubFlashWriter(context.Flash);
    }

    private ChipSpec Chip => _context.Chip;

    private NorFlash Flash => _context.Flash.Flash;

    /// <summary>The stub's first words: the only unsolicited frame of the protocol.</summary>
    public ValueTask GreetAsync(CancellationToken cancellationToken) => _context.Wire.SendFrameAsync(Greeting, cancellationToken);

    public async ValueTask<LoaderOutcome> HandleAsync(Request request, CancellationToken cancellationToken)
    {
        if (request.DeclaredSize > BlockSizes.StubMaxDataField)
        {
            await SendAsync(request.Opcode, 0, [], (byte)StubErrorCode.BadDataLength, 0xEE, cancellationToken).ConfigureAwait(false);
            return LoaderOutcome.Continue;
        }

        switch (request.Opcode)
        {
            case Opcode.Sync:
                for (int i = 0; i < SyncReplies; i++)
                {
                    await ReplyAsync(request, null, cancellationToken).ConfigureAwait(false);
                }

                return LoaderOutcome.Continue;
            case Opcode.ReadReg:
                uint value = request.SizeIs(4) ? _context.Registers.Read(request.Word(0)) : 0;
                await SendAsync(request.Opcode, value, [], LengthError(request, 4) ?? 0, 0, cancellationToken).ConfigureAwait(false);
                return LoaderOutcome.Continue;
            case Opcode.WriteReg:
                return await WriteRegAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.MemBegin:
                if (request.SizeIs(16))
                {
                    _context.Ram.Begin(request.Word(3));
                }

                return await ReplyAsync(request, LengthError(request, 16), cancellationToken).ConfigureAwait(false);
            case Opcode.MemData:
                return await MemDataAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.MemEnd:
                return await MemEndAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.FlashBegin or Opcode.FlashDeflBegin:
                return await FlashBeginAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.FlashData or Opcode.FlashDeflData:
                return await FlashDataAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.FlashEncryptData when Chip.Kind != ChipKind.Esp8266:
                return await FlashDataAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.FlashEnd or Opcode.FlashDeflEnd:
                return await FlashEndAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.SpiSetParams:
                return await ReplyAsync(request, LengthError(request, 24), cancellationToken).ConfigureAwait(false);
            case Opcode.SpiAttach:
                return await ReplyAsync(request, LengthError(request, 4), cancellationToken).ConfigureAwait(false);
            case Opcode.ChangeBaudrate:
                return await ChangeBaudrateAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.SpiFlashMd5:
                return await SpiFlashMd5Async(request, cancellationToken).ConfigureAwait(false);
            case Opcode.GetSecurityInfo when SecurityInfo.Supported(Chip):
                await SendAsync(request.Opcode, 0, SecurityInfo.For(Chip), 0, 0, cancellationToken).ConfigureAwait(false);
                return LoaderOutcome.Continue;
            case Opcode.EraseFlash:
                return await EraseFlashAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.EraseRegion:
                return await EraseRegionAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.ReadFlash:
                return await ReadFlashAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.RunUserCode:
                // Returning from the stub's command loop runs the normal boot: no reply at all.
                return LoaderOutcome.RunUserCode;
            default:
                return await ReplyAsync(request, (byte)StubErrorCode.CommandNotImplemented, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _writer.Dispose();

    private async ValueTask<LoaderOutcome> WriteRegAsync(Request request, CancellationToken cancellationToken)
    {
        if (request.DeclaredSize % 16 != 0 || request.Data.Length < request.DeclaredSize)
        {
            return await ReplyAsync(request, (byte)StubErrorCode.BadDataLength, cancellationToken).ConfigureAwait(false);
        }

        for (int record = 0; record < request.DeclaredSize / 16; record++)
        {
            int w = record * 4;

            // The stub waits delay_us before the write (§4).
            await _context.Clock.SpendAsync(TimeSpan.FromMicroseconds(request.Word(w + 3)), cancellationToken).ConfigureAwait(false);
            _context.Registers.Write(request.Word(w), request.Word(w + 1), request.Word(w + 2));
        }

        return await ReplyAsync(request, null, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<LoaderOutcome> MemDataAsync(Request request, CancellationToken cancellationToken)
    {
        byte? error = !request.DataLengthMatches || request.Word(0) % 4 != 0 ? (byte)StubErrorCode.BadDataLength
            : !request.ChecksumMatches ? (byte)StubErrorCode.BadDataChecksum
            : null;
        if (error is null && !_context.Ram.Write(request.Payload))
        {
            error = (byte)StubErrorCode.NotInFlashMode;
        }

        return await ReplyAsync(request, error, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The stub jumps when entry ≠ 0. An entry inside code uploaded to this stub is modelled as a new
    /// stub starting (it greets again); anywhere else the CPU crashes.
    /// </summary>
    private async ValueTask<LoaderOutcome> MemEndAsync(Request request, CancellationToken cancellationToken)
    {
        byte? error = LengthError(request, 8);
        _context.Ram.Finish();
        await ReplyAsync(request, error, cancellationToken).ConfigureAwait(false);
        if (error is not null || request.Word(1) == 0)
        {
            return LoaderOutcome.Continue;
        }

        return _context.Ram.Contains(request.Word(1)) ? LoaderOutcome.StubStarted : LoaderOutcome.Crashed;
    }

    private async ValueTask<LoaderOutcome> FlashBeginAsync(Request request, CancellationToken cancellationToken)
    {
        byte? error;
        if (request.SizeIs(16) && request.Word(2) > BlockSizes.StubFlashWrite)
        {
            error = (byte)StubErrorCode.BadBlockSize;
        }
        else if (!request.SizeIs(16))
        {
            error = (byte)StubErrorCode.BadDataLength;
        }
        else
        {
            // num_blocks is ignored; erase_size is the exact byte count to write.
            _writer.Begin(request.Word(0), request.Word(3), compressed: request.Opcode == Opcode.FlashDeflBegin);
            error = null;
        }

        return await ReplyAsync(request, error, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<LoaderOutcome> FlashDataAsync(Request request, CancellationToken cancellationToken)
    {
        byte? error;
        if (!_writer.InFlashMode)
        {
            error = (byte)StubErrorCode.NotInFlashMode;
        }
        else if (!request.DataLengthMatches)
        {
            error = (byte)StubErrorCode.BadDataLength;
        }
        else if (!request.ChecksumMatches)
        {
            error = (byte)StubErrorCode.BadDataChecksum;
        }
        else
        {
            error = (byte?)_writer.LastError;
        }

        // Acknowledge first; program while the host already sends the next block.
        await ReplyAsync(request, error, cancellationToken).ConfigureAwait(false);
        if (error is null)
        {
            bool compressed = request.Opcode == Opcode.FlashDeflData;
            await _writer.WriteAsync(request.Payload.ToArray(), compressed, cancellationToken).ConfigureAwait(false);
        }

        return LoaderOutcome.Continue;
    }

    /// <summary>Flag 0: flush, wait 10 ms, software reset. Non-zero: just leave flash mode.</summary>
    private async ValueTask<LoaderOutcome> FlashEndAsync(Request request, CancellationToken cancellationToken)
    {
        byte? error = (byte?)_writer.End();
        await ReplyAsync(request, error, cancellationToken).ConfigureAwait(false);
        if (error is not null || request.Word(0) != 0)
        {
            return LoaderOutcome.Continue;
        }

        await _context.Wire.WhenSentAsync(cancellationToken).ConfigureAwait(false);
        await _context.Clock.SpendAsync(TimeSpan.FromMilliseconds(10), cancellationToken).ConfigureAwait(false);
        return LoaderOutcome.SoftwareReset;
    }

    /// <summary>
    /// CHANGE_BAUDRATE(new, old): reply at the old rate, wait 10 ms, set the divider to
    /// <c>div × old / new</c>, wait 1 ms. An old baud that is not the real one gives a proportionally
    /// wrong rate; 0 gives a meaningless divider, modelled as a rate no host can match.
    /// </summary>
    private async ValueTask<LoaderOutcome> ChangeBaudrateAsync(Request request, CancellationToken cancellationToken)
    {
        byte? error = LengthError(request, 8);
        await ReplyAsync(request, error, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return LoaderOutcome.Continue;
        }

        uint requested = request.Word(0);
        uint old = request.Word(1);
        await _context.Wire.WhenSentAsync(cancellationToken).ConfigureAwait(false);
        await _context.Clock.SpendAsync(TimeSpan.FromMilliseconds(10), cancellationToken).ConfigureAwait(false);
        long current = _context.Wire.Baud;
        long actual = old == 0 || requested == 0 ? 50_000_000 : Math.Clamp(current * requested / old, 1, 50_000_000);
        _context.Wire.Baud = (int)actual;
        await _context.Clock.SpendAsync(TimeSpan.FromMilliseconds(1), cancellationToken).ConfigureAwait(false);
        _context.Report(DeviceActivity.Stub, $"baud {actual}");
        return LoaderOutcome.Continue;
    }

    /// <summary>SPI_FLASH_MD5: 16 raw digest bytes before the status.</summary>
    private async ValueTask<LoaderOutcome> SpiFlashMd5Async(Request request, CancellationToken cancellationToken)
    {
        byte? error = LengthError(request, 16);
        if (error is not null)
        {
            return await ReplyAsync(request, error, cancellationToken).ConfigureAwait(false);
        }

        uint address = request.Word(0);
        uint size = request.Word(1);
        if (!Flash.Contains(address, size))
        {
            return await ReplyAsync(request, (byte)StubErrorCode.Md5ReadFailed, cancellationToken).ConfigureAwait(false);
        }

        byte[] digest = MD5.HashData(Flash.Read(address, (int)size));
        await _context.Clock.SpendAsync(_context.Flash.Timing.Md5(size), cancellationToken).ConfigureAwait(false);
        await SendAsync(request.Opcode, 0, digest, 0, 0, cancellationToken).ConfigureAwait(false);
        return LoaderOutcome.Continue;
    }

    private async ValueTask<LoaderOutcome> EraseFlashAsync(Request request, CancellationToken cancellationToken)
    {
        byte? error = LengthError(request, 0);
        if (error is null)
        {
            Flash.EraseAll();
            TimeSpan busy = _context.Flash.Faults.EraseTime(0, Flash.Size, _context.Flash.Timing.ChipErase(Flash.Size));
            await _context.Clock.SpendAsync(busy, cancellationToken).ConfigureAwait(false);
        }

        return await ReplyAsync(request, error, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>ERASE_REGION(offset, size): both 4 KiB aligned, else the raw codes 0x32 / 0x33.</summary>
    private async ValueTask<LoaderOutcome> EraseRegionAsync(Request request, CancellationToken cancellationToken)
    {
        byte? error = LengthError(request, 8);
        uint offset = request.Word(0);
        uint size = request.Word(1);
        if (error is null && offset % NorFlash.SectorSize != 0)
        {
            error = (byte)StubErrorCode.EraseAddressUnaligned;
        }
        else if (error is null && size % NorFlash.SectorSize != 0)
        {
            error = (byte)StubErrorCode.EraseLengthUnaligned;
        }
        else if (error is null && !Flash.Contains(offset, size))
        {
            error = (byte)StubErrorCode.EraseSectorFailed;
        }

        if (error is null)
        {
            TimeSpan busy = SectorEraser.Erase(Flash, offset / NorFlash.SectorSize, size / NorFlash.SectorSize, _context.Flash.Timing, _context.Flash.Faults);
            await _context.Clock.SpendAsync(busy, cancellationToken).ConfigureAwait(false);
        }

        return await ReplyAsync(request, error, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// READ_FLASH(offset, length, packet_size, max_in_flight) (§14): normal reply, then raw frames of at
    /// most packet_size bytes, never more than max_in_flight packets unacknowledged; the host acks each
    /// with a frame holding the u32 total received; finally one frame with the 16-byte MD5 of all data.
    /// </summary>
    private async ValueTask<LoaderOutcome> ReadFlashAsync(Request request, CancellationToken cancellationToken)
    {
        byte? error = LengthError(request, 16);
        uint offset = request.Word(0);
        uint length = request.Word(1);
        uint packet = request.Word(2);
        uint inFlight = request.Word(3);
        if (error is null && !Flash.Contains(offset, length))
        {
            error = (byte)StubErrorCode.FailedSpiOperation;
        }

        await ReplyAsync(request, error, cancellationToken).ConfigureAwait(false);

        // The stub's read buffer is one sector; a larger packet makes it return without sending.
        if (error is not null || packet == 0 || packet > NorFlash.SectorSize || inFlight == 0)
        {
            return LoaderOutcome.Continue;
        }

        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        long sent = 0;
        long acked = 0;
        var buffer = new byte[packet];
        while (acked < length && acked <= sent)
        {
            while (sent < length && sent - acked < (long)inFlight * packet)
            {
                int n = (int)Math.Min(packet, length - sent);
                Flash.Read(offset + (uint)sent, buffer.AsSpan(0, n));
                await _context.Clock.SpendAsync(_context.Flash.Timing.Read(n), cancellationToken).ConfigureAwait(false);
                md5.AppendData(buffer, 0, n);
                await _context.Wire.SendFrameAsync(buffer.AsSpan(0, n), cancellationToken).ConfigureAwait(false);
                sent += n;
            }

            byte[] ack = await _context.Wire.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
            if (ack.Length == 4)
            {
                acked = BinaryPrimitives.ReadUInt32LittleEndian(ack);
            }
        }

        await _context.Wire.SendFrameAsync(md5.GetHashAndReset(), cancellationToken).ConfigureAwait(false);
        return LoaderOutcome.Continue;
    }

    private static byte? LengthError(Request request, int size) => request.SizeIs(size) ? null : (byte)StubErrorCode.BadDataLength;

    private async ValueTask<LoaderOutcome> ReplyAsync(Request request, byte? error, CancellationToken cancellationToken)
    {
        await SendAsync(request.Opcode, 0, [], error ?? 0, 0, cancellationToken).ConfigureAwait(false);
        return LoaderOutcome.Continue;
    }

    private ValueTask SendAsync(Opcode opcode, uint value, byte[] result, byte error, byte status, CancellationToken cancellationToken)
    {
        var data = new byte[result.Length + 2];
        result.CopyTo(data, 0);
        data[^2] = error;
        data[^1] = status;
        return _context.Wire.SendFrameAsync(Response.Build(opcode, value, data), cancellationToken);
    }
}
