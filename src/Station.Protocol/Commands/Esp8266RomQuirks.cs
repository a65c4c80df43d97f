namespace Station.Protocol.Commands;

/// <summary>
/// The ESP8266 ROM erases the wrong amount for an uncompressed FLASH_BEGIN (its SPIEraseArea counts
/// the sectors up to the next 64 KiB boundary twice). esptool sends a corrected erase size so the ROM
/// ends up erasing exactly the region (esp-serial-protocol.md §12).
/// </summary>
public static class Esp8266RomQuirks
{
    private const uint SectorSize = 0x1000;
    private const uint SectorsPerBlock = 16;

    /// <summary>The erase size to send so that <paramref name="size"/> bytes at <paramref name="offset"/> get erased.</summary>
    public static uint EraseSizeToSend(uint offset, uint size)
    {
        uint sectors = (size + SectorSize - 1) / SectorSize;
        uint head = SectorsPerBlock - (offset / SectorSize % SectorsPerBlock);
        if (sectors < head)
        {
            head = sectors;
        }

        return sectors < 2 * head
            ? (sectors + 1) / 2 * SectorSize
            : (sectors - head) * SectorSize;
    }
}
