namespace Station.Simulator.Loader;

/// <summary>What the chip does after a command was handled.</summary>
internal enum LoaderOutcome
{
    /// <summary>Keep serving commands.</summary>
    Continue,

    /// <summary>The uploaded flasher stub is now running (OHAI was sent).</summary>
    StubStarted,

    /// <summary>The loader asked for a software reset (FLASH_END with flag 0).</summary>
    SoftwareReset,

    /// <summary>The loader left to run the code in flash (ROM FLASH_END 1, stub RUN_USER_CODE).</summary>
    RunUserCode,

    /// <summary>The CPU jumped somewhere with no code: silent until the next reset.</summary>
    Crashed,
}
