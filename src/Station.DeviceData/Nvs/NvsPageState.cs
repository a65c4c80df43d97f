namespace Station.DeviceData.Nvs;

/// <summary>The state word at the start of a page header (nvs-format.md §3). Bits only ever go from 1 to 0.</summary>
public enum NvsPageState : uint
{
    /// <summary>Erased flash: no header at all.</summary>
    Uninitialized = 0xFFFFFFFF,
    Active = 0xFFFFFFFE,
    Full = 0xFFFFFFFC,

    /// <summary>The firmware is moving this page's items elsewhere (never written by the generator).</summary>
    Freeing = 0xFFFFFFF8,

    /// <summary>The firmware gave up on this page (never written by the generator).</summary>
    Corrupt = 0xFFFFFFF0,
}
