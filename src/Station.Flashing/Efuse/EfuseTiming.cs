namespace Station.Flashing.Efuse;

/// <summary>
/// EFUSE_CLK and DAC_CONF settings for programming (§1.3, espefuse <c>EFUSE_CLK_SETTINGS</c> = IDF
/// <c>efuse_hal_set_timing</c>). In download mode the APB clock is the crystal, so only the 26 and
/// 40 MHz rows apply; an unknown crystal is taken as 40 MHz, the common one.
/// </summary>
internal readonly record struct EfuseTiming(uint ClkSel0, uint ClkSel1, uint DacClkDiv)
{
    public static EfuseTiming ForCrystal(int? crystalMhz) => crystalMhz is <= 26
        ? new EfuseTiming(250, 255, 52)
        : new EfuseTiming(160, 255, 80);
}
