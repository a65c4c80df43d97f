namespace Station.Simulator.Efuse;

/// <summary>BLOCK0 word 6 bits [1:0] (esp-idf-images-and-efuse.md §1.4); applies to BLOCK1–3 only.</summary>
public enum Esp32CodingScheme
{
    /// <summary>0 (and 3, which espefuse also reads as None): 256 raw bits per block.</summary>
    None = 0,

    /// <summary>1: 24 data bytes per block, 6-byte units each followed by 2 check bytes.</summary>
    ThreeQuarters = 1,

    /// <summary>2: 16 bytes stored twice. Not modelled: blocks read raw, as with None.</summary>
    Repeat = 2,
}
