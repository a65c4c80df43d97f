using Station.Protocol.Chips;
using Station.Protocol.Status;
using Station.Simulator.Flash;

namespace Station.Simulator.Rom;

/// <summary>
/// The ROM loader's write state (esp-serial-protocol.md §4, §12): FLASH_BEGIN/FLASH_DEFL_BEGIN erase
/// the whole region up front, before replying; every DATA block is programmed (whole, padding
/// included) and read back before the reply, so a block that NOR programming cannot produce —
/// typically one written over unerased flash — fails at once with 0x08.
/// </summary>
internal sealed class RomFlashWriter : IDisposable
{
    private readonly FlashContext _context;
    private uint _next;
    private ZlibStreamDecoder? _zlib;

    public RomFlashWriter(FlashContext context)
    {
        _context = context;
    }

    public bool InFlashMode { get; private set; }

    /// <summary>Erases the announced region; returns when the erase is done.</summary>
    public async ValueTask BeginAsync(RomFamily family, uint eraseSize, uint offset, bool compressed, CancellationToken cancellationToken)
    {
        InFlashMode = true;
        _next = offset;
        _zlib?.Dispose();
        _zlib = compressed ? new ZlibStreamDecoder() : null;
        _context.Faults.WriteStarted(offset, eraseSize);
        uint first = offset / NorFlash.SectorSize;
        uint count = family == RomFamily.Esp8266 && !compressed
            ? Esp8266EraseSectors(eraseSize, offset)
            : (uint)(((ulong)(offset % NorFlash.SectorSize) + eraseSize + NorFlash.SectorSize - 1) / NorFlash.SectorSize);
        TimeSpan busy = SectorEraser.Erase(_context.Flash, first, count, _context.Timing, _context.Faults);
        await _context.SpendAsync(busy, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The ESP8266 ROM's erase-size bug (§12): it erases about <c>n + min(n, head)</c> sectors for an
    /// announced <c>n</c>, where <c>head</c> is the number of sectors up to the next 64 KiB boundary.
    /// esptool compensates by announcing a smaller size; this model makes both sides meet exactly
    /// (verified: 2080 B at 0 announced as 4096; 102416 B at 0x3000 announced as 53248).
    /// </summary>
    public static uint Esp8266EraseSectors(uint eraseSize, uint offset)
    {
        uint n = (uint)(((ulong)eraseSize + NorFlash.SectorSize - 1) / NorFlash.SectorSize);
        uint head = 16 - (offset / NorFlash.SectorSize % 16);
        return n + Math.Min(n, head);
    }

    /// <summary>Programs one DATA block; returns the ROM error code, or null on success.</summary>
    public async ValueTask<RomErrorCode?> WriteAsync(byte[] payload, CancellationToken cancellationToken)
    {
        if (!InFlashMode)
        {
            return RomErrorCode.FailedToAct;
        }

        TimeSpan busy = TimeSpan.Zero;
        RomErrorCode? error = null;
        if (_zlib is null)
        {
            error = Program(payload, ref busy);
        }
        else
        {
            RomErrorCode? writeError = null;
            TimeSpan programTime = TimeSpan.Zero;
            _zlib.Feed(payload, output => writeError ??= Program(output, ref programTime));
            busy += programTime;
            error = _zlib.Corrupt ? RomErrorCode.DeflateError : writeError;
        }

        await _context.SpendAsync(busy, cancellationToken).ConfigureAwait(false);
        return error;
    }

    public void End() => InFlashMode = false;

    public void Dispose() => _zlib?.Dispose();

    private RomErrorCode? Program(ReadOnlySpan<byte> data, ref TimeSpan busy)
    {
        if (!_context.Flash.Contains(_next, (uint)data.Length))
        {
            return RomErrorCode.FlashWriteError;
        }

        // The ROM reads every block back: a failed program and a wrong read-back both give 0x08.
        ProgramOutcome outcome = _context.Program(_next, data);
        busy += _context.Timing.Program(data.Length);

        // A plain block the flash refused is not counted as written, so esptool's retry of the same block
        // lands where it belongs (reference §5: blocks are retried). Inflated output always moves on: the
        // stream has consumed the input.
        if (outcome != ProgramOutcome.Failed || _zlib is not null)
        {
            _next += (uint)data.Length;
        }

        return outcome == ProgramOutcome.Exact ? null : RomErrorCode.FlashWriteError;
    }
}
