using Station.Flashing.Write;
using Station.Protocol.Commands;
using Station.Protocol.Slip;
using Station.Simulator.Flash;

namespace Station.Cli.Bench;

/// <summary>The floor for one unit and what it is made of (seconds).</summary>
/// <param name="Sync">One SYNC and its eight ROM replies at 115200 baud.</param>
/// <param name="Write">Every region's compressed bytes on the wire, overlapped with the flash's erase and program time.</param>
/// <param name="Reset">The restart's request and reply on the wire at the working baud.</param>
/// <param name="WireBytes">Compressed bytes of all regions.</param>
/// <param name="Wire">Their wire time alone (10 bits per byte).</param>
/// <param name="Flash">Erase and program time alone, by the simulator's timing model.</param>
/// <param name="Md5">The device's MD5 time over every region (not part of the limit: shown beside verify).</param>
/// <param name="SlipEscapes">Bytes of the compressed streams that SLIP must escape (0xC0, 0xDB): each costs one more byte on the wire, which the limit does not count.</param>
public sealed record LimitParts(double Sync, double Write, double Reset, long WireBytes, double Wire, double Flash, double Md5, long SlipEscapes)
{
    public double Total => Sync + Write + Reset;
}

/// <summary>
/// The physical floor of one unit's cycle (the definition): the compressed image's bytes on the wire at the
/// link's baud, 10 bits per byte, overlapped with the flash's erase and program time, plus a sync and a reset. The
/// flash time follows the simulator's published model (<see cref="FlashTiming"/>) the way the flasher stub spends
/// it: sectors are erased lazily just ahead of the data (a 64 KiB block erase when aligned and at least 16 sectors
/// remain, else 4 KiB sectors) and every 256-byte page is programmed.
/// <para>The overlap is the stub's: it acknowledges a 16 KiB block on receipt and programs it while the next block
/// arrives, and it has room for one block in flight (reference §11). So block i+1 can start on the wire when block i is
/// taken, and block i+1 is taken when it has arrived and block i is programmed: per block max(wire, flash), not the
/// larger of the two sums — an erase lump (150 ms per 64 KiB) cannot borrow wire time from the blocks after it. The
/// host is taken to answer every acknowledgement at once; SLIP escapes, packet headers and replies are not counted,
/// so every estimate here errs low: it is a floor.</para>
/// </summary>
public static class CycleLimit
{
    public const int BlockSize = 0x4000;
    private const uint Sector = 0x1000;
    private const uint SectorsPerBlock = 16;
    private const int RomBaud = 115200;

    public static LimitParts For(IReadOnlyList<PreparedRegion> regions, int baud, FlashTiming timing, uint flashSize)
    {
        double write = 0;
        double wire = 0;
        double flash = 0;
        double md5 = 0;
        long wireBytes = 0;
        long escapes = 0;
        foreach (var region in regions)
        {
            var image = region.Compressed ?? throw new ArgumentException($"Region {region.Name} is not compressed.", nameof(regions));
            var eraser = new LazyEraser(region.Address, (uint)region.Data.Length, timing, flashSize);
            int blocks = (image.Length + BlockSize - 1) / BlockSize;
            double taken = 0;      // when the device took the previous block (and acknowledged it)
            double free = 0;       // when the device finished programming the previous block
            int written = 0;
            for (int i = 0; i < blocks; i++)
            {
                int start = i * BlockSize;
                int end = Math.Min(start + BlockSize, image.Length);
                double blockWire = WireSeconds(end - start, baud);
                double arrived = taken + blockWire;
                taken = Math.Max(arrived, free);
                int produced = i == blocks - 1 ? region.Data.Length : Math.Min(region.Data.Length, image.InflatedAfter(end));
                double blockFlash = eraser.EraseUpTo(region.Address + (uint)produced)
                    + (Pages(Math.Max(0, produced - written)) * timing.PageProgram.TotalSeconds);
                written = Math.Max(written, produced);
                free = taken + blockFlash;
                wire += blockWire;
                flash += blockFlash;
            }

            write += free;
            wireBytes += image.Length;
            escapes += SlipCodec.EncodedLength(image.Bytes) - image.Length - 2;
            md5 += region.Data.Length / timing.Md5BytesPerSecond;
        }

        return new LimitParts(SyncSeconds(), write, ResetSeconds(baud), wireBytes, wire, flash, md5, escapes);
    }

    /// <summary>Wire time of <paramref name="bytes"/> at <paramref name="baud"/>, 8N1: 10 bits per byte.</summary>
    public static double WireSeconds(long bytes, int baud) => bytes * 10.0 / baud;

    /// <summary>One SYNC request and the ROM's eight replies (ESP32: 4 status bytes), SLIP-framed, at 115200.</summary>
    public static double SyncSeconds()
    {
        int request = SlipCodec.Encode(Requests.Sync().ToPacket()).Length;
        int reply = SlipCodec.Encode(Response.Build(Opcode.Sync, 0x5520_1207, new byte[4])).Length;
        return WireSeconds(request + (8 * reply), RomBaud);
    }

    /// <summary>The restart through the loader (no EN line on the link): FLASH_BEGIN(0) and FLASH_END with their replies.</summary>
    public static double ResetSeconds(int baud)
    {
        int reply = SlipCodec.Encode(Response.Build(Opcode.FlashEnd, 0, new byte[2])).Length;
        int begin = SlipCodec.Encode(Requests.FlashBegin(0, 0, BlockSize, 0).ToPacket()).Length;
        int end = SlipCodec.Encode(Requests.FlashEnd(0).ToPacket()).Length;
        return WireSeconds(begin + end + (2 * reply), baud);
    }

    /// <summary>Erase time the stub spends on a whole region of <paramref name="size"/> bytes written from <paramref name="address"/>.</summary>
    public static double EraseSeconds(uint address, uint size, FlashTiming timing, uint flashSize) =>
        new LazyEraser(address, size, timing, flashSize).EraseUpTo(uint.MaxValue);

    private static long Pages(long bytes) => (bytes + 255) / 256;

    /// <summary>
    /// The stub's lazy erase over one region: once data reaches <c>end</c>, every sector up to the one holding
    /// <c>end</c> is erased (a 64 KiB block when aligned and at least 16 sectors of the region remain).
    /// </summary>
    private sealed class LazyEraser(uint address, uint size, FlashTiming timing, uint flashSize)
    {
        private uint _next = address / Sector;
        private uint _remaining = (uint)(((ulong)(address % Sector) + size + Sector - 1) / Sector);

        public double EraseUpTo(uint end)
        {
            uint lastSector = Math.Min(end / Sector, (flashSize / Sector) - 1);
            uint chipSectors = flashSize / Sector;
            double seconds = 0;
            while (_next <= lastSector && _remaining > 0)
            {
                bool block = _next % SectorsPerBlock == 0 && _remaining >= SectorsPerBlock && _next + SectorsPerBlock <= chipSectors;
                uint count = block ? SectorsPerBlock : 1;
                seconds += (block ? timing.BlockErase : timing.SectorErase).TotalSeconds;
                _next += count;
                _remaining -= Math.Min(count, _remaining);
            }

            return seconds;
        }
    }
}
