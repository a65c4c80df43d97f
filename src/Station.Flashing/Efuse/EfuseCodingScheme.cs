namespace Station.Flashing.Efuse;

/// <summary>How BLOCK1–3 are coded: BLOCK0 word 6 bits [1:0] (esp-idf-images-and-efuse.md §1.4).</summary>
public enum EfuseCodingScheme
{
    /// <summary>0, and 3 (which espefuse also reads as None): 32 raw bytes; bits may be added later.</summary>
    None,

    /// <summary>1: 24 bytes in four 6-byte units with check bytes; each unit can be written once.</summary>
    ThreeQuarters,

    /// <summary>2: 16 bytes stored twice; neither espefuse nor the station burns under it.</summary>
    Repeat,
}
