namespace Station.DeviceData.Nvs;

/// <summary>The two bits an entry has in the page's entry state bitmap (nvs-format.md §4).</summary>
public enum NvsEntryState : byte
{
    Erased = 0b00,

    /// <summary>01 is never written by anyone: seeing it means the bitmap is damaged.</summary>
    Illegal = 0b01,
    Written = 0b10,
    Empty = 0b11,
}
