namespace Station.Simulator.Boot;

/// <summary>Why the chip (re)started; the ROM banner names it.</summary>
public enum ResetCause
{
    /// <summary>Power applied (also what ESP32 ROMs print for an EN-pin reset).</summary>
    PowerOn,

    /// <summary>EN was pulled low and released.</summary>
    ExternalReset,

    /// <summary>A software reset, e.g. FLASH_END with flag 0.</summary>
    SoftwareReset,

    /// <summary>The supply dipped below the brownout threshold (<c>rst:0xf</c>).</summary>
    Brownout,
}

/// <summary>The boot mode selected by IO0 when the ROM samples the straps.</summary>
public enum BootMode
{
    /// <summary>IO0 low: the ROM serial loader ("waiting for download").</summary>
    Download,

    /// <summary>IO0 high: boot from SPI flash.</summary>
    Flash,
}
