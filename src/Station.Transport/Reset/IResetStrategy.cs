using Station.Transport.Links;

namespace Station.Transport.Reset;

/// <summary>A way of driving DTR/RTS to reset the chip (into download mode, or to run the app).</summary>
public interface IResetStrategy
{
    /// <summary>Stable name used in profiles, logs and records (e.g. "unix-tight(0.05)").</summary>
    string Name { get; }

    ValueTask ResetAsync(IByteLink link, TimeProvider time, CancellationToken cancellationToken);
}

/// <summary>
/// Drives the lines while remembering their state. After every RTS change DTR is written again:
/// some USB-serial drivers (Windows usbser.sys) forward the line state only on a DTR change.
/// </summary>
internal sealed class LineDriver(IByteLink link, TimeProvider time, CancellationToken cancellationToken)
{
    private bool _dtr;

    public async ValueTask Dtr(bool asserted)
    {
        _dtr = asserted;
        await link.SetLinesAsync(asserted, null, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask Rts(bool asserted)
    {
        await link.SetLinesAsync(null, asserted, cancellationToken).ConfigureAwait(false);
        await link.SetLinesAsync(_dtr, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets both lines in one operation.</summary>
    public async ValueTask Both(bool dtr, bool rts)
    {
        _dtr = dtr;
        await link.SetLinesAsync(dtr, rts, cancellationToken).ConfigureAwait(false);
    }

    public Task Wait(TimeSpan delay) => Task.Delay(delay, time, cancellationToken);
}
