using Station.Simulator.Faults;

namespace Station.Simulator.Flash;

/// <summary>
/// Erases runs of sectors the way the flasher stub and the ROM's SPIEraseArea do: a 64 KiB block
/// erase when the position is block-aligned and at least 16 sectors remain, otherwise a 4 KiB sector
/// erase (esp-serial-protocol.md §6, §11). Returns the time the chip was busy.
/// </summary>
internal static class SectorEraser
{
    private const uint SectorsPerBlock = NorFlash.BlockSize / NorFlash.SectorSize;

    /// <summary>Erases one step (block or sector) starting at <paramref name="sector"/>; returns sectors erased.</summary>
    public static uint EraseStep(NorFlash flash, uint sector, uint remainingSectors, FlashTiming timing, IFlashFaults faults, out TimeSpan busy)
    {
        uint lastSector = flash.Size / NorFlash.SectorSize;
        if (sector >= lastSector)
        {
            // Past the end of the chip: the address wraps on real parts; nothing we can model usefully.
            busy = TimeSpan.Zero;
            return remainingSectors;
        }

        bool block = sector % SectorsPerBlock == 0 && remainingSectors >= SectorsPerBlock && sector + SectorsPerBlock <= lastSector;
        uint count = block ? SectorsPerBlock : 1;
        uint address = sector * NorFlash.SectorSize;
        uint bytes = count * NorFlash.SectorSize;
        flash.Erase(address, bytes);
        busy = faults.EraseTime(address, bytes, block ? timing.BlockErase : timing.SectorErase);
        return count;
    }

    /// <summary>Erases <paramref name="count"/> sectors from <paramref name="firstSector"/>; returns the busy time.</summary>
    public static TimeSpan Erase(NorFlash flash, uint firstSector, uint count, FlashTiming timing, IFlashFaults faults)
    {
        TimeSpan total = TimeSpan.Zero;
        uint sector = firstSector;
        uint remaining = count;
        while (remaining > 0)
        {
            uint done = EraseStep(flash, sector, remaining, timing, faults, out var busy);
            total += busy;
            sector += done;
            remaining -= Math.Min(done, remaining);
        }

        return total;
    }
}
