namespace Station.Flashing.Efuse;

/// <summary>Whether a burn writes to the controller or only decides.</summary>
public enum EfuseBurnMode
{
    Burn,

    /// <summary>Read and decide, write nothing: the result says what a burn would do.</summary>
    DryRun,
}
