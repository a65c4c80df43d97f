namespace Station.Flashing.Device;

/// <summary>What to do with the chip once the work is done.</summary>
public enum AfterAction
{
    /// <summary>Pulse EN through RTS so the chip restarts into its application (falls back to <see cref="SoftReset"/> on links without modem lines).</summary>
    HardReset,

    /// <summary>Ask the loader to leave and run the application (ROM: FLASH_END "run user code"; stub: reboot).</summary>
    SoftReset,

    /// <summary>Leave the chip in its loader.</summary>
    None,
}
