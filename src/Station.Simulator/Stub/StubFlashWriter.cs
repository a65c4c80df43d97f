using Station.Protocol.Status;
using Station.Simulator.Flash;

namespace Station.Simulator.Stub;

/// <summary>
/// The flasher stub's write state (esp-serial-protocol.md §11): FLASH_BEGIN/FLASH_DEFL_BEGIN take
/// the exact byte count; sectors are erased lazily, just ahead of the data (64 KiB blocks when aligned
/// and enough remains); plain blocks are trimmed to the announced size; compressed blocks feed one
/// zlib stream per BEGIN. Errors found while writing are remembered and reported later — in the
/// reply to the next DATA block or in FLASH_END — because the stub acknowledges a block on receipt.
/// </summary>
internal sealed class StubFlashWriter : IDisposable
{
    private const int MaxTrailingBytes = 4;

    private readonly FlashContext _context;
    private uint _nextWrite;
    private uint _nextEraseSector;
    private uint _remainingEraseSectors;
    private uint _remaining;
    private ZlibStreamDecoder? _zlib;

    public StubFlashWriter(FlashContext context)
    {
        _context = context;
    }

    public bool InFlashMode { get; private set; }

    /// <summary>The deferred error, reported with the next DATA reply or FLASH_END.</summary>
    public StubErrorCode? LastError { get; private set; }

    public void Begin(uint totalSize, uint offset, bool compressed)
    {
        InFlashMode = true;
        _nextWrite = offset;
        _nextEraseSector = offset / NorFlash.SectorSize;
        _remaining = totalSize;
        _remainingEraseSectors = (uint)(((ulong)(offset % NorFlash.SectorSize) + totalSize + NorFlash.SectorSize - 1) / NorFlash.SectorSize);
        LastError = null;
        _zlib?.Dispose();
        _zlib = compressed ? new ZlibStreamDecoder() : null;
        _context.Faults.WriteStarted(offset, totalSize);
    }

    /// <summary>Writes one acknowledged block; runs after the reply was sent.</summary>
    /// <param name="payload">The block's data.</param>
    /// <param name="compressed">FLASH_DEFL_DATA (feeds the zlib stream) rather than FLASH_DATA.</param>
    /// <param name="cancellationToken">Stops the wait for the modelled busy time.</param>
    public async ValueTask WriteAsync(byte[] payload, bool compressed, CancellationToken cancellationToken)
    {
        TimeSpan busy = TimeSpan.Zero;
        if (!compressed)
        {
            busy += WritePlain(payload);
        }
        else if (_zlib is null)
        {
            // FLASH_DEFL_DATA after a plain FLASH_BEGIN: the inflater was never initialised.
            LastError ??= StubErrorCode.InflateError;
        }
        else
        {
            _zlib.Feed(payload, output =>
            {
                if ((uint)output.Length > _remaining)
                {
                    LastError ??= StubErrorCode.TooMuchData;
                }

                busy += WritePlain(output);
            });
            if (_zlib.Corrupt)
            {
                LastError ??= StubErrorCode.InflateError;
            }
            else if (_zlib.Ended && _zlib.TrailingBytes > MaxTrailingBytes)
            {
                LastError ??= StubErrorCode.TooMuchData;
            }
            else if (_zlib.Ended && _remaining > 0)
            {
                LastError ??= StubErrorCode.NotEnoughData;
            }
        }

        await _context.SpendAsync(busy, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>FLASH_END / FLASH_DEFL_END: C6 outside flash mode, C8 when data is missing, else the deferred error.</summary>
    public StubErrorCode? End()
    {
        if (!InFlashMode)
        {
            return StubErrorCode.NotInFlashMode;
        }

        if (_remaining > 0)
        {
            return StubErrorCode.NotEnoughData;
        }

        InFlashMode = false;
        return LastError;
    }

    public void Dispose() => _zlib?.Dispose();

    private TimeSpan WritePlain(ReadOnlySpan<byte> data)
    {
        // FLASH_DATA blocks are padded with 0xFF to the block size: trim to what was announced.
        if ((uint)data.Length > _remaining)
        {
            data = data[..(int)_remaining];
        }

        if (data.IsEmpty || _context.PoweredDown)
        {
            return TimeSpan.Zero;
        }

        var flash = _context.Flash;
        TimeSpan busy = TimeSpan.Zero;
        uint lastSector = (uint)(((ulong)_nextWrite + (uint)data.Length) / NorFlash.SectorSize);
        while (_nextEraseSector <= lastSector && _remainingEraseSectors > 0)
        {
            uint erased = SectorEraser.EraseStep(flash, _nextEraseSector, _remainingEraseSectors, _context.Timing, _context.Faults, out var eraseTime);
            busy += eraseTime;
            _nextEraseSector += erased;
            _remainingEraseSectors -= Math.Min(erased, _remainingEraseSectors);
        }

        if (!flash.Contains(_nextWrite, (uint)data.Length))
        {
            LastError ??= StubErrorCode.FailedSpiOperation;
        }
        else
        {
            // The stub does not read back: programming over unerased cells shows up in the MD5. Only a
            // program the flash reports as failed becomes an error (0xC4), deferred like every write error.
            if (_context.Program(_nextWrite, data) == ProgramOutcome.Failed)
            {
                LastError ??= StubErrorCode.FailedSpiOperation;
            }

            busy += _context.Timing.Program(data.Length);
        }

        _nextWrite += (uint)data.Length;
        _remaining -= (uint)data.Length;
        return busy;
    }
}
