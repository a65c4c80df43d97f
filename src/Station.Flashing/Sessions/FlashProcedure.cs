using Station.Flashing.Write;

namespace Station.Flashing.Sessions;

/// <summary>What happened to one region.</summary>
/// <param name="Verified">True only when the device's MD5 matched; false when the loader could not verify.</param>
public sealed record RegionOutcome(int Index, uint Address, int Size, string Md5, bool Verified);

/// <summary>The result of flashing one device end to end.</summary>
public sealed record FlashOutcome(ReadyDevice Ready, IReadOnlyList<RegionOutcome> Regions)
{
    public bool AllVerified => Regions.All(r => r.Verified);
}

/// <summary>
/// Flashes a prepared plan onto one ready device: refuse a plan that does not fit the flash, write
/// each region and verify it by MD5 (a mismatch is an error, never a pass), then restart the chip.
/// </summary>
public static class FlashProcedure
{
    /// <summary>Writes and verifies every region on a ready device, then restarts it as asked.</summary>
    public static async Task<FlashOutcome> WriteAsync(
        ReadyDevice ready, FlashPlan plan, bool compress, Device.AfterAction after, CancellationToken cancellationToken)
    {
        plan.CheckFits(ready.FlashSize);
        var outcomes = new List<RegionOutcome>(plan.Regions.Count);
        foreach (var region in plan.Regions)
        {
            await ready.Device.WriteRegionAsync(region, compress, cancellationToken).ConfigureAwait(false);
            bool verified = await ready.Device.VerifyRegionAsync(region, cancellationToken).ConfigureAwait(false);
            outcomes.Add(new RegionOutcome(region.Index, region.Address, region.Data.Length, region.Md5, verified));
        }

        await ready.Device.ResetAsync(after, cancellationToken).ConfigureAwait(false);
        return new FlashOutcome(ready, outcomes);
    }
}
