using System.Security.Cryptography;
using System.Text;
using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Protocol.Status;
using Station.Simulator.Device;
using Station.Simulator.Loader;

namespace Station.Simulator.Rom;

/// <summary>
/// The ROM serial loader of one chip family (esp-serial-protocol.md §3, §4, §12, §14).
/// <list type="bullet">
/// <item>Status: ESP8266 <c>01 code</c> (2 bytes), ESP32 family <c>01 code 00 00</c> (4 bytes).</item>
/// <item>Command matrix: ESP8266 has only FLASH_*, MEM_*, SYNC, READ/WRITE_REG; ESP32 adds SPI_*,
/// READ_FLASH_SLOW, CHANGE_BAUDRATE, FLASH_DEFL_*, SPI_FLASH_MD5; S2 and newer add GET_SECURITY_INFO.
/// Anything else → <c>01 05</c>, echoing the opcode, once.</item>
/// <item>FLASH_BEGIN / FLASH_DEFL_BEGIN: 4 or 5 words are accepted on every ROM. esptool sends 4 to the
/// ESP32/ESP8266 ROM and 5 to S2+ ROMs, while esptool-js sends 5 to every ROM for FLASH_BEGIN and 4 for
/// FLASH_DEFL_BEGIN to C6/H2 — and both work on real chips, so the ROMs cannot be stricter. The fifth
/// word (S2+: "encrypted") is accepted and ignored: flash encryption is not modelled.</item>
/// <item>The value field is stale (<see cref="RomSyncValue"/>).</item>
/// </list>
/// </summary>
internal sealed class RomLoader : IDisposable
{
    private const int SyncReplies = 8;

    private readonly LoaderContext _context;
    private readonly RomFlashWriter _writer;
    private readonly LoaderKind _kind;
    private uint _value;

    public RomLoader(LoaderContext context)
    {
        _context = context;
        _writer = new RomFlashWriter(context.Flash);
        _kind = context.Chip.Rom == RomFamily.Esp8266 ? LoaderKind.Esp8266Rom : LoaderKind.Esp32Rom;
    }

    private RomFamily Family => _context.Chip.Rom;

    private bool IsEsp8266 => Family == RomFamily.Esp8266;

    public async ValueTask<LoaderOutcome> HandleAsync(Request request, CancellationToken cancellationToken)
    {
        switch (request.Opcode)
        {
            case Opcode.Sync:
                return await SyncAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.ReadReg:
                if (!request.SizeIs(4))
                {
                    return await FailAsync(request, RomErrorCode.InvalidMessage, cancellationToken).ConfigureAwait(false);
                }

                _value = _context.Registers.Read(request.Word(0));
                return await ReplyAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.WriteReg:
                return await WriteRegAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.MemBegin:
                return await MemBeginAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.MemData:
                return await MemDataAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.MemEnd:
                return await MemEndAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.FlashBegin:
                return await FlashBeginAsync(request, compressed: false, cancellationToken).ConfigureAwait(false);
            case Opcode.FlashData:
                return await FlashDataAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.FlashEnd:
                return await FlashEndAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.FlashDeflBegin when !IsEsp8266:
                return await FlashBeginAsync(request, compressed: true, cancellationToken).ConfigureAwait(false);
            case Opcode.FlashDeflData when !IsEsp8266:
                return await FlashDataAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.FlashDeflEnd when !IsEsp8266:
                return await FlashEndAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.SpiSetParams when !IsEsp8266:
                return await CheckedReplyAsync(request, request.SizeIs(24), cancellationToken).ConfigureAwait(false);
            case Opcode.SpiAttach when !IsEsp8266:
                // The ROM takes the config word plus a "legacy" zero word (§4).
                return await CheckedReplyAsync(request, request.SizeIs(8), cancellationToken).ConfigureAwait(false);
            case Opcode.ReadFlashSlow when !IsEsp8266:
                return await ReadFlashSlowAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.ChangeBaudrate when !IsEsp8266:
                return await ChangeBaudrateAsync(request, cancellationToken).ConfigureAwait(false);
            case Opcode.SpiFlashMd5 when !IsEsp8266:
                return await SpiFlashMd5Async(request, cancellationToken).ConfigureAwait(false);
            case Opcode.GetSecurityInfo when SecurityInfo.Supported(_context.Chip):
                return await ReplyAsync(request, cancellationToken, SecurityInfo.For(_context.Chip)).ConfigureAwait(false);
            default:
                return await FailAsync(request, RomErrorCode.InvalidMessage, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _writer.Dispose();

    private async ValueTask<LoaderOutcome> SyncAsync(Request request, CancellationToken cancellationToken)
    {
        if (!request.SizeIs(Requests.SyncPayload.Length) || !request.Data.AsSpan(0, Requests.SyncPayload.Length).SequenceEqual(Requests.SyncPayload))
        {
            return await FailAsync(request, RomErrorCode.InvalidMessage, cancellationToken).ConfigureAwait(false);
        }

        _value = RomSyncValue.For(_context.Chip);
        for (int i = 0; i < SyncReplies; i++)
        {
            await ReplyAsync(request, cancellationToken).ConfigureAwait(false);
        }

        return LoaderOutcome.Continue;
    }

    private async ValueTask<LoaderOutcome> WriteRegAsync(Request request, CancellationToken cancellationToken)
    {
        // One record is the documented form; esptool's "delay after" appends a second one, so every
        // whole 16-byte record is applied in order.
        if (request.DeclaredSize < 16 || request.DeclaredSize % 16 != 0 || request.Data.Length < request.DeclaredSize)
        {
            return await FailAsync(request, RomErrorCode.InvalidMessage, cancellationToken).ConfigureAwait(false);
        }

        for (int record = 0; record < request.DeclaredSize / 16; record++)
        {
            int w = record * 4;
            await _context.Clock.SpendAsync(TimeSpan.FromMicroseconds(request.Word(w + 3)), cancellationToken).ConfigureAwait(false);
            _context.Registers.Write(request.Word(w), request.Word(w + 1), request.Word(w + 2));
        }

        return await ReplyAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<LoaderOutcome> MemBeginAsync(Request request, CancellationToken cancellationToken)
    {
        if (!request.SizeIs(16))
        {
            return await FailAsync(request, RomErrorCode.InvalidMessage, cancellationToken).ConfigureAwait(false);
        }

        _context.Ram.Begin(request.Word(3));
        return await ReplyAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<LoaderOutcome> MemDataAsync(Request request, CancellationToken cancellationToken)
    {
        RomErrorCode? error = !request.DataLengthMatches ? RomErrorCode.InvalidMessage
            : !request.ChecksumMatches ? RomErrorCode.InvalidCrc
            : !_context.Ram.Write(request.Payload) ? RomErrorCode.FailedToAct
            : null;
        return error is { } code
            ? await FailAsync(request, code, cancellationToken).ConfigureAwait(false)
            : await ReplyAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// MEM_END(no_entry, entry): the ROM replies, then — when no_entry is 0 — jumps to the entry.
    /// We cannot run the code, so we model what it is: an entry inside uploaded memory is taken to be
    /// esptool's flasher stub (legacy set "1", whichever build the client uploaded), which greets with
    /// OHAI; an entry anywhere else crashes the CPU, and the chip goes silent until reset.
    /// </summary>
    private async ValueTask<LoaderOutcome> MemEndAsync(Request request, CancellationToken cancellationToken)
    {
        if (!request.SizeIs(8))
        {
            return await FailAsync(request, RomErrorCode.InvalidMessage, cancellationToken).ConfigureAwait(false);
        }

        _context.Ram.Finish();
        await ReplyAsync(request, cancellationToken).ConfigureAwait(false);
        if (request.Word(0) != 0)
        {
            return LoaderOutcome.Continue;
        }

        return _context.Ram.Contains(request.Word(1)) ? LoaderOutcome.StubStarted : LoaderOutcome.Crashed;
    }

    private async ValueTask<LoaderOutcome> FlashBeginAsync(Request request, bool compressed, CancellationToken cancellationToken)
    {
        if (!(request.SizeIs(16) || request.SizeIs(20)))
        {
            return await FailAsync(request, RomErrorCode.InvalidMessage, cancellationToken).ConfigureAwait(false);
        }

        uint size = request.Word(0);
        uint offset = request.Word(3);
        if (!_context.Flash.Flash.Contains(offset, 0))
        {
            return await FailAsync(request, RomErrorCode.FailedToAct, cancellationToken).ConfigureAwait(false);
        }

        await _writer.BeginAsync(Family, size, offset, compressed, cancellationToken).ConfigureAwait(false);
        return await ReplyAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<LoaderOutcome> FlashDataAsync(Request request, CancellationToken cancellationToken)
    {
        RomErrorCode? error = !request.DataLengthMatches ? RomErrorCode.InvalidMessage
            : !request.ChecksumMatches ? RomErrorCode.InvalidCrc
            : await _writer.WriteAsync(request.Payload.ToArray(), cancellationToken).ConfigureAwait(false);
        return error is { } code
            ? await FailAsync(request, code, cancellationToken).ConfigureAwait(false)
            : await ReplyAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>FLASH_END / FLASH_DEFL_END: flag 0 reboots, anything else leaves the loader to run the app.</summary>
    private async ValueTask<LoaderOutcome> FlashEndAsync(Request request, CancellationToken cancellationToken)
    {
        if (!request.SizeIs(4))
        {
            return await FailAsync(request, RomErrorCode.InvalidMessage, cancellationToken).ConfigureAwait(false);
        }

        _writer.End();
        await ReplyAsync(request, cancellationToken).ConfigureAwait(false);
        await _context.Wire.WhenSentAsync(cancellationToken).ConfigureAwait(false);
        return request.Word(0) == 0 ? LoaderOutcome.SoftwareReset : LoaderOutcome.RunUserCode;
    }

    /// <summary>READ_FLASH_SLOW: always 64 data bytes; the first <c>length</c> (≤ 64) come from flash.</summary>
    private async ValueTask<LoaderOutcome> ReadFlashSlowAsync(Request request, CancellationToken cancellationToken)
    {
        if (!request.SizeIs(8))
        {
            return await FailAsync(request, RomErrorCode.InvalidMessage, cancellationToken).ConfigureAwait(false);
        }

        uint offset = request.Word(0);
        uint length = request.Word(1);
        if (length > 64)
        {
            return await FailAsync(request, RomErrorCode.FlashReadLengthError, cancellationToken).ConfigureAwait(false);
        }

        if (!_context.Flash.Flash.Contains(offset, length))
        {
            return await FailAsync(request, RomErrorCode.FlashReadError, cancellationToken).ConfigureAwait(false);
        }

        var data = new byte[64];
        _context.Flash.Flash.Read(offset, data.AsSpan(0, (int)length));
        await _context.Clock.SpendAsync(_context.Flash.Timing.Read(length), cancellationToken).ConfigureAwait(false);
        return await ReplyAsync(request, cancellationToken, data).ConfigureAwait(false);
    }

    /// <summary>CHANGE_BAUDRATE(new, 0): reply at the old rate, then switch once the reply has left.</summary>
    private async ValueTask<LoaderOutcome> ChangeBaudrateAsync(Request request, CancellationToken cancellationToken)
    {
        uint baud = request.Word(0);
        if (!request.SizeIs(8) || baud == 0 || baud > 10_000_000)
        {
            return await FailAsync(request, RomErrorCode.InvalidMessage, cancellationToken).ConfigureAwait(false);
        }

        await ReplyAsync(request, cancellationToken).ConfigureAwait(false);
        await _context.Wire.WhenSentAsync(cancellationToken).ConfigureAwait(false);
        _context.Wire.Baud = (int)baud;
        _context.Report(DeviceActivity.RomLoader, $"baud {baud}");
        return LoaderOutcome.Continue;
    }

    /// <summary>SPI_FLASH_MD5(addr, size, 0, 0): the ROM answers 32 lower-case hex characters.</summary>
    private async ValueTask<LoaderOutcome> SpiFlashMd5Async(Request request, CancellationToken cancellationToken)
    {
        if (!request.SizeIs(16))
        {
            return await FailAsync(request, RomErrorCode.InvalidMessage, cancellationToken).ConfigureAwait(false);
        }

        uint address = request.Word(0);
        uint size = request.Word(1);
        if (!_context.Flash.Flash.Contains(address, size))
        {
            return await FailAsync(request, RomErrorCode.FlashReadError, cancellationToken).ConfigureAwait(false);
        }

        byte[] digest = MD5.HashData(_context.Flash.Flash.Read(address, (int)size));
        await _context.Clock.SpendAsync(_context.Flash.Timing.Md5(size), cancellationToken).ConfigureAwait(false);
        byte[] hex = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(digest));
        return await ReplyAsync(request, cancellationToken, hex).ConfigureAwait(false);
    }

    private async ValueTask<LoaderOutcome> CheckedReplyAsync(Request request, bool valid, CancellationToken cancellationToken) =>
        valid
            ? await ReplyAsync(request, cancellationToken).ConfigureAwait(false)
            : await FailAsync(request, RomErrorCode.InvalidMessage, cancellationToken).ConfigureAwait(false);

    private ValueTask<LoaderOutcome> ReplyAsync(Request request, CancellationToken cancellationToken, byte[]? result = null) =>
        SendAsync(request.Opcode, result ?? [], 0, cancellationToken);

    private ValueTask<LoaderOutcome> FailAsync(Request request, RomErrorCode code, CancellationToken cancellationToken) =>
        SendAsync(request.Opcode, [], (byte)code, cancellationToken);

    private async ValueTask<LoaderOutcome> SendAsync(Opcode opcode, byte[] result, byte error, CancellationToken cancellationToken)
    {
        byte[] status = DeviceStatus.Encode(_kind, error);
        var data = new byte[result.Length + status.Length];
        result.CopyTo(data, 0);
        status.CopyTo(data, result.Length);
        await _context.Wire.SendFrameAsync(Response.Build(opcode, _value, data), cancellationToken).ConfigureAwait(false);
        return LoaderOutcome.Continue;
    }
}
