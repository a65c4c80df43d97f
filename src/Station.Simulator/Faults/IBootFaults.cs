using Station.Simulator.Boot;

namespace Station.Simulator.Faults;

/// <summary>Hook points in the boot path and the board's power (no download mode, application output flood, brownout, unplug).</summary>
public interface IBootFaults
{
    /// <summary>Whether a boot whose straps select download mode really gets there (false: the chip boots from flash).</summary>
    bool EntersDownloadMode(ResetCause cause);

    /// <summary>Application output already on the line when the board powers on, before the first ROM banner; null for none.</summary>
    string? PowerOnOutput();

    /// <summary>True from a power loss until <see cref="PowerRestored"/>: the chip neither sends nor receives.</summary>
    bool PoweredDown { get; }

    /// <summary>Completes when the board loses power (brownout) or is unplugged.</summary>
    Task<PowerLoss> WhenPowerLostAsync(CancellationToken cancellationToken);

    /// <summary>The chip runs again (a new boot after the loss, or a new power-on).</summary>
    void PowerRestored();
}

public enum PowerLossKind
{
    /// <summary>The supply dipped: the chip resets (<c>rst:0xf</c>) and boots per its straps.</summary>
    Brownout,

    /// <summary>The cable came out: the port disappears for <see cref="PowerLoss.UnplugDelay"/>.</summary>
    Unplug,
}

public sealed record PowerLoss(PowerLossKind Kind, TimeSpan UnplugDelay);
