namespace Station.Protocol.Commands;

/// <summary>
/// How long to wait for each command's reply (esp-serial-protocol.md §5). Size-dependent commands
/// scale with the bytes they cover: <c>max(3 s, seconds-per-MB × bytes / 10^6)</c>, capped at 240 s.
/// </summary>
public static class CommandTimeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan Sync = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MemEndRom = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan StubGreeting = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan ChipErase = TimeSpan.FromSeconds(120);
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(240);

    public const double Md5SecondsPerMb = 8;
    public const double EraseRegionSecondsPerMb = 30;
    public const double EraseWriteSecondsPerMb = 40;

    public static TimeSpan PerMegabyte(double secondsPerMb, long bytes)
    {
        double seconds = secondsPerMb * bytes / 1e6;
        var scaled = TimeSpan.FromSeconds(seconds);
        if (scaled < Default)
        {
            return Default;
        }

        return scaled > Max ? Max : scaled;
    }

    /// <summary>SPI_FLASH_MD5 over <paramref name="size"/> bytes.</summary>
    public static TimeSpan Md5(long size) => PerMegabyte(Md5SecondsPerMb, size);

    /// <summary>ERASE_REGION, and ROM FLASH_BEGIN / FLASH_DEFL_BEGIN (the ROM erases up front).</summary>
    public static TimeSpan EraseRegion(long size) => PerMegabyte(EraseRegionSecondsPerMb, size);

    /// <summary>A data block that makes the device erase and program <paramref name="uncompressedBytes"/>.</summary>
    public static TimeSpan WriteBlock(long uncompressedBytes) => PerMegabyte(EraseWriteSecondsPerMb, uncompressedBytes);
}

/// <summary>Block sizes of the loaders (esp-serial-protocol.md §6).</summary>
public static class BlockSizes
{
    public const int RamBlock = 0x1800;
    public const int RamBlockUsbOtg = 0x800;
    public const int RomFlashWrite = 0x400;
    public const int StubFlashWrite = 0x4000;
    public const int StubFlashWriteUsbOtg = 0x800;
    public const int FlashSector = 0x1000;
    public const int FlashBlock = 0x10000;
    public const int ReadFlashSlowBlock = 64;
    public const int ReadFlashPacket = 0x1000;
    public const int ReadFlashMaxInFlight = 64;

    /// <summary>The stub's receive buffer holds a data field of at most this many bytes.</summary>
    public const int StubMaxDataField = 0x4000 + 16;
}
