using System.Globalization;
using Station.Simulator.Boot;

namespace Station.Simulator.Faults;

/// <summary>
/// Faults of the boot path and the board's supply: <c>no-download</c> / <c>no-download-once</c> (IO0 does
/// not reach the chip, so it boots its app), <c>flood</c> (the board's factory firmware talks before the
/// ROM banner), and the power state that a brownout or an unplug cuts (see <see cref="FlashFaultInjector"/>).
/// </summary>
internal sealed class BootFaultInjector : IBootFaults
{
    private readonly DealtFaults _dealt;
    private readonly BoardKey _board;
    private readonly FaultLog _log;
    private readonly Lock _gate = new();
    private TaskCompletionSource<PowerLoss> _lost = NewLoss();
    private bool _down;
    private bool _onceSpent;
    private bool _otherFirmwareErased;
    private int _powerOns;

    public BootFaultInjector(DealtFaults dealt, BoardKey board, FaultLog log)
    {
        _dealt = dealt;
        _board = board;
        _log = log;
    }

    public bool PoweredDown
    {
        get
        {
            lock (_gate)
            {
                return _down;
            }
        }
    }

    public bool EntersDownloadMode(ResetCause cause)
    {
        if (_dealt.NoDownload)
        {
            _log.Record("no-download", $"straps asked for download mode after {Describe(cause)}; the chip booted from flash", withCommand: false);
            return false;
        }

        if (_dealt.NoDownloadOnce && !_onceSpent)
        {
            _onceSpent = true;
            _log.Record("no-download-once", $"the first download-mode boot (after {Describe(cause)}) booted from flash", withCommand: false);
            return false;
        }

        return true;
    }

    public string? PowerOnOutput()
    {
        if (_dealt.FloodBytes is not { } bytes || Volatile.Read(ref _otherFirmwareErased))
        {
            return null;
        }

        int powerOn = Interlocked.Increment(ref _powerOns);
        string text = FloodText.Build(_board.Stream($"flood-text-{powerOn}"), bytes);
        _log.Record("flood", string.Create(CultureInfo.InvariantCulture, $"{text.Length} bytes of application output before the ROM banner (power-on {powerOn})"), withCommand: false);
        return text;
    }

    public Task<PowerLoss> WhenPowerLostAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _lost.Task.WaitAsync(cancellationToken);
        }
    }

    public void PowerRestored()
    {
        lock (_gate)
        {
            _down = false;
            if (_lost.Task.IsCompleted)
            {
                _lost = NewLoss();
            }
        }
    }

    /// <summary>The first host flash write replaces the factory firmware: no more flood after it.</summary>
    internal void OtherFirmwareErased() => Volatile.Write(ref _otherFirmwareErased, true);

    /// <summary>Power goes away now; the device notices through <see cref="WhenPowerLostAsync"/>.</summary>
    internal void Cut(PowerLoss loss)
    {
        lock (_gate)
        {
            _down = true;
            _lost.TrySetResult(loss);
        }
    }

    private static TaskCompletionSource<PowerLoss> NewLoss() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static string Describe(ResetCause cause) => cause switch
    {
        ResetCause.PowerOn => "power-on",
        ResetCause.ExternalReset => "an EN reset",
        ResetCause.SoftwareReset => "a software reset",
        _ => "a brownout reset",
    };
}
