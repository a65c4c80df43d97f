using Station.Simulator.Device;
using Station.Transport.Links;

namespace Station.Simulator.Hosting;

/// <summary>
/// A board sits in one fixture at a time. When a device is served on both a pseudo-terminal and TCP,
/// the pty is its resting place; a TCP client takes the board out (the pty run stops), and when that
/// client leaves the board goes back to the pty and powers on again in download mode.
/// </summary>
internal sealed class DeviceWires(SimulatedDevice device)
{
    private readonly SemaphoreSlim _foreground = new(1, 1);
    private readonly Lock _gate = new();
    private CancellationTokenSource? _background;
    private TaskCompletionSource _backgroundFree = CompletedSource();

    /// <summary>Runs the device on its resting link until a foreground client pre-empts it or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunBackgroundAsync(IByteLink link, PowerOnBoot powerOn, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await _foreground.WaitAsync(cancellationToken).ConfigureAwait(false);
            using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            lock (_gate)
            {
                _background = run;
                _backgroundFree = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _foreground.Release();
            try
            {
                await device.RunAsync(link, powerOn, run.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (run.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // Pre-empted by a foreground client: wait for it below.
            }
            finally
            {
                lock (_gate)
                {
                    _background = null;
                    _backgroundFree.TrySetResult();
                }
            }

            // Let the foreground client (if any) finish before powering on here again.
            await _foreground.WaitAsync(cancellationToken).ConfigureAwait(false);
            _foreground.Release();
        }
    }

    /// <summary>Takes the device from its resting link (if it is there) and runs it on <paramref name="link"/>.</summary>
    public async Task RunForegroundAsync(IByteLink link, PowerOnBoot powerOn, CancellationToken cancellationToken)
    {
        await _foreground.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Task free;
            lock (_gate)
            {
                _background?.Cancel();
                free = _backgroundFree.Task;
            }

            await free.WaitAsync(cancellationToken).ConfigureAwait(false);
            await device.RunAsync(link, powerOn, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _foreground.Release();
        }
    }

    private static TaskCompletionSource CompletedSource()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }
}
