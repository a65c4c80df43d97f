using Station.Cli.Commands;

namespace Station.Cli.Tests.Commands;

/// <summary>Ctrl+C and SIGTERM as the line and the simulator see them, including signals that arrive while the command ends.</summary>
public sealed class StopSignalsTests
{
    [Fact]
    public void Interrupt_FirstStopsAndTellsTheOperatorOnce_SecondAborts()
    {
        int told = 0;
        using var signals = new StopSignals(onFirstInterrupt: () => told++, listen: false);

        signals.Interrupt();
        Assert.True(signals.Stop.IsCancellationRequested);
        Assert.False(signals.Abort.IsCancellationRequested);

        signals.Interrupt();
        signals.Interrupt();
        Assert.True(signals.Abort.IsCancellationRequested);
        Assert.Equal(1, told);
    }

    [Fact]
    public void Terminate_StopsAndAbortsAtOnce()
    {
        using var signals = new StopSignals(listen: false);

        signals.Terminate();

        Assert.True(signals.Stop.IsCancellationRequested);
        Assert.True(signals.Abort.IsCancellationRequested);
    }

    [Fact]
    public void Stop_FollowsTheCommandsOwnTokenAndRequestStop_WithoutAborting()
    {
        using var command = new CancellationTokenSource();
        using var signals = new StopSignals(command.Token, listen: false);
        using var other = new StopSignals(listen: false);

        command.Cancel();
        other.RequestStop();

        Assert.True(signals.Stop.IsCancellationRequested);
        Assert.True(other.Stop.IsCancellationRequested);
        Assert.False(signals.Abort.IsCancellationRequested || other.Abort.IsCancellationRequested);
    }

    [Fact]
    public void SignalsAfterDispose_AreIgnored()
    {
        int told = 0;
        var signals = new StopSignals(onFirstInterrupt: () => told++, listen: false);
        signals.Dispose();

        // A signal delivered on the thread pool just before the registrations went away runs now.
        signals.Interrupt();
        signals.Interrupt();
        signals.Terminate();
        signals.RequestStop();
        signals.Dispose();

        Assert.Equal(0, told);
    }

    [Fact]
    public async Task SignalsRacingDispose_NeverThrow()
    {
        for (int round = 0; round < 200; round++)
        {
            var signals = new StopSignals(listen: false);
            using var go = new Barrier(3);
            var senders = new[]
            {
                Task.Run(() => { go.SignalAndWait(); for (int i = 0; i < 50; i++) { signals.Interrupt(); } }),
                Task.Run(() => { go.SignalAndWait(); for (int i = 0; i < 50; i++) { signals.Terminate(); } }),
            };
            go.SignalAndWait();
            signals.Dispose();

            await Task.WhenAll(senders);
        }
    }
}
