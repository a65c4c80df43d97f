namespace Station.Flashing.Write;

/// <summary>How hard to work for a smaller FLASH_DEFL stream (every byte saved is wire time saved on each unit).</summary>
public enum CompressionEffort
{
    /// <summary>The system's zlib at level 9: milliseconds per MiB. For data made per unit and one-off writes.</summary>
    Fast,

    /// <summary>
    /// Optimal parsing (<see cref="Deflate.OptimalZlib"/>): some 5 % fewer bytes than zlib level 9 for about a second
    /// per MiB — paid once per job, repaid on every unit the job flashes.
    /// </summary>
    Smallest,
}
