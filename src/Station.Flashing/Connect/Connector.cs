using Station.Flashing.Errors;
using Station.Flashing.Events;
using Station.Flashing.Loader;
using Station.Protocol.Commands;
using Station.Transport.Reset;

namespace Station.Flashing.Connect;

/// <summary>The outcome of a successful connect.</summary>
/// <param name="Attempt">1-based attempt that synced.</param>
/// <param name="ResetStrategy">The strategy that worked; null when no reset was possible or needed.</param>
/// <param name="StubAlreadyRunning">Every SYNC reply carried value 0: the flasher stub (not the ROM) answered.</param>
/// <param name="BootLog">What the chip printed after the reset that worked.</param>
public sealed record ConnectResult(int Attempt, string? ResetStrategy, bool StubAlreadyRunning, BootLog BootLog);

/// <summary>
/// Resets the chip into download mode and syncs, cycling reset strategies. When every attempt
/// fails, the boot logs decide which failure it was: wrong boot mode, a dead TX path, or silence.
/// </summary>
public sealed class Connector(LoaderClient client, TimeProvider time, IFlashEventSink events)
{
    private static readonly TimeSpan DrainGap = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan DrainMax = TimeSpan.FromMilliseconds(50);

    public async Task<ConnectResult> ConnectAsync(ConnectOptions options, CancellationToken cancellationToken)
    {
        var link = client.Link;
        IReadOnlyList<IResetStrategy> strategies = link.Capabilities.ModemLines
            ? options.ResetStrategies ?? ResetStrategies.ForUartBridge()
            : [];
        if (link.Baud != ConnectOptions.RomBaud)
        {
            await link.SetBaudAsync(ConnectOptions.RomBaud, cancellationToken).ConfigureAwait(false);
        }

        var logs = new List<BootLog>();
        for (int attempt = 1; attempt <= Math.Max(1, options.Attempts); attempt++)
        {
            IResetStrategy? strategy = strategies.Count > 0 ? strategies[(attempt - 1) % strategies.Count] : null;
            if (strategy is not null)
            {
                await client.DiscardInputAsync(cancellationToken).ConfigureAwait(false);
                await strategy.ResetAsync(link, time, cancellationToken).ConfigureAwait(false);
            }

            var seen = new List<byte>(await client.CollectTextAsync(options.BootLogStart, options.BootLogQuiet, options.BootLogMax, cancellationToken,
                BootLog.EndsInDownloadMode).ConfigureAwait(false));
            var log = BootLog.FromBytes(seen.ToArray());
            events.On(new ConnectAttempted(time.GetUtcNow(), attempt, strategy?.Name, log.Summary));

            for (int t = 0; t < options.SyncTriesPerAttempt; t++)
            {
                if (await TrySyncAsync(seen, cancellationToken).ConfigureAwait(false) is { } stubRunning)
                {
                    return new ConnectResult(attempt, strategy?.Name, stubRunning, log);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken).ConfigureAwait(false);
            }

            // Text that came while syncing (a slow banner, an app's log) counts for the diagnosis too.
            logs.Add(BootLog.FromBytes(seen.ToArray()));
        }

        throw new FlashException(Diagnose(link.Name, logs));
    }

    /// <summary>One SYNC; returns whether the stub answered, or null when nothing valid came back. Text outside frames goes to <paramref name="seen"/>.</summary>
    private async Task<bool?> TrySyncAsync(List<byte> seen, CancellationToken cancellationToken)
    {
        // Keep what already arrived (a banner behind a flood of app output) before dropping stale input.
        seen.AddRange(client.TakeUnframedInput());
        seen.AddRange(await client.CollectTextAsync(DrainGap, DrainGap, DrainMax, cancellationToken).ConfigureAwait(false));
        await client.DiscardInputAsync(cancellationToken).ConfigureAwait(false);
        await client.SendAsync(Requests.Sync(), cancellationToken).ConfigureAwait(false);
        Reply first;
        try
        {
            var response = await client.ReadResponseAsync(Opcode.Sync, CommandTimeouts.Sync, cancellationToken).ConfigureAwait(false);
            first = client.Check(response, 0);
        }
        catch (FlashException)
        {
            seen.AddRange(client.TakeUnframedInput());
            return null;
        }

        // The loader answers one SYNC eight times; the ROM's value field is non-zero, the stub's is 0.
        bool allZero = first.Value == 0;
        for (int i = 0; i < 7; i++)
        {
            try
            {
                var extra = await client.ReadResponseAsync(Opcode.Sync, CommandTimeouts.Sync, cancellationToken).ConfigureAwait(false);
                allZero &= extra.Value == 0;
            }
            catch (FlashException)
            {
                break;
            }
        }

        return allZero;
    }

    /// <summary>
    /// Of two failed connects on one link, the one that says more: a banner read once (wrong boot mode, download
    /// mode without a reply) outranks later attempts that saw nothing because no reset reached the chip. A later
    /// failure that is not a connect diagnosis (the port went away) always stands.
    /// </summary>
    public static FlashError MoreTelling(FlashError? earlier, FlashError later) =>
        earlier is not null && Rank(later.Code) > 0 && Rank(earlier.Code) > Rank(later.Code) ? earlier : later;

    private static int Rank(string code) => code switch
    {
        ErrorCodes.ConnectNoData => 1,
        ErrorCodes.ConnectNoSync => 2,
        ErrorCodes.ConnectWrongBootMode or ErrorCodes.ConnectNoSyncReply => 3,
        _ => 0,
    };

    private static FlashError Diagnose(string port, List<BootLog> logs)
    {
        if (logs.Any(l => l.WaitingForDownload))
        {
            return FlashErrors.DownloadModeButNoSync(port);
        }

        if (logs.FirstOrDefault(l => l.BootMode is not null) is { BootMode: { } mode })
        {
            return FlashErrors.WrongBootMode(port, mode);
        }

        return logs.All(l => l.IsEmpty) ? FlashErrors.NoSerialData(port) : FlashErrors.NoSync(port);
    }
}
