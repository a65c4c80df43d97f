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
public sealed record LimitParts(double Sync, double Write, double Reset, long WireBytes, double Wire, double Flash, double Md5)
{
    public double Total => Sync + Write + Reset;
}

/// <summary>
/// The physical floor of one unit's cycle (the definition): the compressed image's bytes on the wire at the
/// link's baud, 10 bits per byte, overlapped with the flash's erase and program time, plus a sync and a reset. The
/// flash time follows the simulator's published model (<see cref="FlashTiming"/>) the way the flasher stub spends
/// it: sectors are erased lazily just ahead of the data (a 64 KiB block erase when aligned and at least 16 sectors
/// remain, else 4 KiB sectors) and every 256-byte page is programmed. The stub acknowledges a block on receipt and
/// programs it while the next one arrives, so per region the best possible time is the larger of
/// (all wire time + programming of the last block) and (wire time of the first block + all flash time).
/// SLIP escapes, packet headers and replies are not counted, so every estimate here errs low: it is a floor.
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
        foreach (var region in regions)
        {
            var image = region.Compressed ?? throw new ArgumentException($"Region {region.Name} is not compressed.", nameof(regions));
            int blocks = (image.Length + BlockSize - 1) / BlockSize;
            int lastStart = (blocks - 1) * BlockSize;
            double wireAll = WireSeconds(image.Length, baud);
            double wireFirst = WireSeconds(Math.Min(BlockSize, image.Length), baud);
            double flashAll = EraseSeconds(region.Address, (uint)region.Data.Length, region.Address, timing, flashSize)
                + Pages(region.Data.Length) * timing.PageProgram.TotalSeconds;

            // What the last block inflates to, at least: everything the blocks before it cannot have produced.
            int beforeLast = blocks > 1 ? Math.Min(region.Data.Length, image.InflatedUpperBound(0, lastStart)) : 0;
            int lastBytes = region.Data.Length - beforeLast;
            double flashLast = EraseSeconds(region.Address, (uint)region.Data.Length, region.Address + (uint)beforeLast + 1, timing, flashSize)
                + Pages(lastBytes) * timing.PageProgram.TotalSeconds;
            write += Math.Max(wireAll + flashLast, wireFirst + flashAll);
            wire += wireAll;
            flash += flashAll;
            wireBytes += image.Length;
            md5 += region.Data.Length / timing.Md5BytesPerSecond;
        }

        return new LimitParts(SyncSeconds(), write, ResetSeconds(baud), wireBytes, wire, flash, md5);
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

    /// <summary>
    /// Erase time the stub spends on a region written from <paramref name="address"/>, counting only the erase
    /// steps whose first sector starts at or after <paramref name="from"/> (the stub erases a sector once data reaches it).
    /// </summary>
    public static double EraseSeconds(uint address, uint size, uint from, FlashTiming timing, uint flashSize)
    {
        uint sector = address / Sector;
        uint remaining = (uint)(((ulong)(address % Sector) + size + Sector - 1) / Sector);
        uint last = flashSize / Sector;
        double seconds = 0;
        while (remaining > 0 && sector < last)
        {
            bool block = sector % SectorsPerBlock == 0 && remaining >= SectorsPerBlock && sector + SectorsPerBlock <= last;
            uint count = block ? SectorsPerBlock : 1;
            if ((ulong)sector * Sector >= from)
            {
                seconds += (block ? timing.BlockErase : timing.SectorErase).TotalSeconds;
            }

            sector += count;
            remaining -= Math.Min(count, remaining);
        }

        return seconds;
    }

    private static long Pages(long bytes) => (bytes + 255) / 256;
}
