using System.Globalization;

namespace Station.Simulator.Faults;

/// <summary>
/// Faults of the flash write. The point faults sit at one address of the board's first host flash write
/// (its offset plus the dealt fraction of its announced size) and act on the program that reaches it:
/// <list type="bullet">
/// <item><c>brownout</c> / <c>unplug</c>: the bytes before the point are written, then power goes (once).</item>
/// <item><c>program-error</c>: that program fails once — the flash reports it, nothing is written;
/// <c>program-error-persistent</c>: every program into the point's 4 KiB sector fails.</item>
/// <item><c>bitflip</c>: one bit of the byte at the point flips just after it was written and read back, once;
/// <c>bitflip-persistent</c>: after every write of it (a weak cell).</item>
/// </list>
/// <c>slow-erase</c> multiplies every erase time.
/// </summary>
internal sealed class FlashFaultInjector : IFlashFaults
{
    private const uint SectorSize = 0x1000;

    private readonly DealtFaults _dealt;
    private readonly BootFaultInjector _boot;
    private readonly FaultLog _log;
    private bool _placed;
    private uint? _brownoutAt;
    private uint? _unplugAt;
    private uint? _programErrorAt;
    private uint? _bitflipAt;

    public FlashFaultInjector(DealtFaults dealt, BootFaultInjector boot, FaultLog log)
    {
        _dealt = dealt;
        _boot = boot;
        _log = log;
    }

    public void WriteStarted(uint offset, uint size)
    {
        if (size == 0)
        {
            // FLASH_BEGIN(0, …): esptool's SPI attach on ESP8266 and its closing of flash mode, not a write.
            return;
        }

        _boot.OtherFirmwareErased();
        if (_placed)
        {
            return;
        }

        _placed = true;
        uint? At(double? fraction) => fraction is { } f ? offset + (uint)Math.Floor(f * size) : null;
        _brownoutAt = At(_dealt.BrownoutAt);
        _unplugAt = At(_dealt.UnplugAt);
        _programErrorAt = At(_dealt.ProgramErrorAt);
        _bitflipAt = At(_dealt.BitflipAt);
    }

    public ProgramFault Programming(uint address, int length)
    {
        if (_boot.PoweredDown)
        {
            return new ProgramFault(ProgramFaultKind.PowerCut, 0);
        }

        ulong end = (ulong)address + (uint)length;
        bool Covers(uint? at) => at is { } a && a >= address && a < end;
        string range = Range(address, length);
        bool brownout = Covers(_brownoutAt) && (!Covers(_unplugAt) || _brownoutAt <= _unplugAt);
        if (brownout || Covers(_unplugAt))
        {
            uint at = (brownout ? _brownoutAt : _unplugAt)!.Value;
            int before = (int)(at - address);
            if (brownout)
            {
                _brownoutAt = null;
                _log.Record("brownout", $"supply dipped while programming {range}: {before} byte(s) written, the rest not; the chip resets (rst:0xf)", at);
                _boot.Cut(new PowerLoss(PowerLossKind.Brownout, TimeSpan.Zero));
            }
            else
            {
                _unplugAt = null;
                _log.Record("unplug", string.Create(CultureInfo.InvariantCulture, $"cable pulled while programming {range}: {before} byte(s) written; the port is gone for {_dealt.UnplugDelay.TotalSeconds:0.###} s"), at);
                _boot.Cut(new PowerLoss(PowerLossKind.Unplug, _dealt.UnplugDelay));
            }

            return new ProgramFault(ProgramFaultKind.PowerCut, before);
        }

        if (_programErrorAt is { } bad)
        {
            if (_dealt.ProgramErrorPersistent)
            {
                uint sector = bad / SectorSize * SectorSize;
                if (sector < end && address < sector + SectorSize)
                {
                    _log.Record("program-error-persistent", $"program of {range} failed: sector 0x{sector:x} is bad (nothing written)", sector);
                    return new ProgramFault(ProgramFaultKind.Rejected);
                }
            }
            else if (Covers(bad))
            {
                _programErrorAt = null;
                _log.Record("program-error", $"program of {range} failed once (nothing written)", bad);
                return new ProgramFault(ProgramFaultKind.Rejected);
            }
        }

        return ProgramFault.None;
    }

    public CellFlip? AfterProgram(uint address, ReadOnlySpan<byte> data)
    {
        if (_bitflipAt is not { } at || at < address || at >= (ulong)address + (uint)data.Length)
        {
            return null;
        }

        var flip = new CellFlip(at, (byte)(1 << _dealt.BitflipBit));
        string kind = _dealt.BitflipPersistent ? "bitflip-persistent" : "bitflip";
        if (!_dealt.BitflipPersistent)
        {
            _bitflipAt = null;
        }

        byte written = data[(int)(at - address)];
        _log.Record(kind, $"bit {_dealt.BitflipBit} of 0x{at:x} flipped after it was written as 0x{written:x2} and read back (in the program of {Range(address, data.Length)})", at);
        return flip;
    }

    public TimeSpan EraseTime(uint address, uint bytes, TimeSpan datasheet)
    {
        if (_dealt.SlowEraseFactor <= 1 || datasheet <= TimeSpan.Zero)
        {
            return datasheet;
        }

        TimeSpan slow = datasheet * _dealt.SlowEraseFactor;
        _log.Record("slow-erase", string.Create(CultureInfo.InvariantCulture, $"erase of {Range(address, (int)bytes)} took {slow.TotalMilliseconds:0.#} ms instead of {datasheet.TotalMilliseconds:0.#} ms"), address);
        return slow;
    }

    private static string Range(uint address, int length) => $"0x{address:x}..0x{(ulong)address + (uint)length:x}";
}
