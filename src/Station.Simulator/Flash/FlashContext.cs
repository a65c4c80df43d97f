using Station.Simulator.Faults;
using Station.Simulator.Timing;

namespace Station.Simulator.Flash;

/// <summary>What a flash writer works with: the chip, its timing, its faults, the device clock.</summary>
internal sealed record FlashContext(NorFlash Flash, FlashTiming Timing, IFlashFaults Faults, DeviceClock Clock)
{
    public ValueTask SpendAsync(TimeSpan busy, CancellationToken cancellationToken) => Clock.SpendAsync(busy, cancellationToken);
}
