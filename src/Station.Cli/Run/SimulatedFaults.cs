using Station.Cli.Options;
using Station.Simulator.Faults;

namespace Station.Cli.Run;

/// <summary>
/// <c>--faults</c> on <c>run</c>/<c>chaos</c>: read and checked in the station's own process, so a bad spec is a
/// usage error naming its clause instead of a simulator that never becomes ready.
/// </summary>
public static class SimulatedFaults
{
    /// <summary>The spec, or null when none was given; throws <see cref="UsageException"/> for a bad one.</summary>
    public static FaultSpec? Parse(string? text, int? simulatedSlots)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (simulatedSlots is not { } slots)
        {
            throw new UsageException("--faults needs --simulate: faults are injected by the simulated boards.");
        }

        try
        {
            var spec = FaultSpec.Parse(text);
            spec.CheckSlots(slots);
            return spec;
        }
        catch (FaultSpecException e)
        {
            throw new UsageException($"--faults: {e.Message}.");
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--faults: {e.Message}");
        }
    }
}
