using Station.Protocol.Commands;

namespace Station.Line.Units;

/// <summary>
/// How to load the flasher stub after the link has corrupted earlier uploads (field failure F1). Each
/// corrupted upload already cost a reconnect one rung down the baud ladder; the first also shrinks the
/// RAM blocks (a bridging MCU may not hold a 6 KiB frame), the second gives up on the stub for this unit
/// and flashes through the ROM loader, which verifies by MD5 all the same.
/// </summary>
internal sealed record RamUploadPlan(bool UseStub, int BlockSize, string Reason)
{
    /// <summary>MEM_DATA blocks after one corrupted upload: a quarter of the ROM's 6 KiB.</summary>
    public const int SmallBlock = BlockSizes.RamBlock / 4;

    public static RamUploadPlan After(int corruptedUploads) => corruptedUploads switch
    {
        <= 0 => new(true, BlockSizes.RamBlock, "first upload"),
        1 => new(true, SmallBlock, "the stub upload was corrupted once"),
        _ => new(false, BlockSizes.RamBlock, $"the stub upload was corrupted {corruptedUploads} times"),
    };
}
