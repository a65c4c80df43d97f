using Station.Flashing.Events;
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
/// Flashes a prepared plan onto one device: open the session, refuse a plan that does not fit the
/// flash, write each region and verify it by MD5, then restart the chip as asked.
/// </summary>
public static class FlashProcedure
{
    public static async Task<FlashOutcome> RunAsync(
        Transport.Links.IByteLink link,
        FlashPlan plan,
        SessionOptions options,
        bool compress,
        TimeProvider time,
        IFlashEventSink events,
        CancellationToken cancellationToken)
    {
        var ready = await DeviceSession.OpenAsync(link, options, time, events, cancellationToken).ConfigureAwait(false);
        plan.CheckFits(ready.FlashSize);
        var outcomes = new List<RegionOutcome>(plan.Regions.Count);
        foreach (var region in plan.Regions)
        {
            await ready.Device.WriteRegionAsync(region, compress, cancellationToken).ConfigureAwait(false);
            bool verified = await ready.Device.VerifyRegionAsync(region, cancellationToken).ConfigureAwait(false);
            outcomes.Add(new RegionOutcome(region.Index, region.Address, region.Data.Length, region.Md5, verified));
        }

        await ready.Device.ResetAsync(options.After, cancellationToken).ConfigureAwait(false);
        return new FlashOutcome(ready, outcomes);
    }
}
