namespace Station.Flashing.Efuse;

/// <summary>What an eFuse operation did to the unit.</summary>
public enum EfuseBurnOutcome
{
    /// <summary>The block already held the wanted value; nothing was written.</summary>
    Skipped,

    Burned,

    /// <summary>Nothing was written; <see cref="EfuseBurnResult.Burned"/> and <see cref="EfuseBurnResult.After"/> are what a burn would do.</summary>
    DryRun,
}
