using Station.Cli.Options;
using Station.Cli.Output;
using Station.Flashing.Errors;
using Station.Traceability;
using Station.Traceability.Ledger;
using Station.Transport.Links;

namespace Station.Cli.Commands;

/// <summary>What every command needs from the composition root: output, time, and how to open ports.</summary>
public sealed class CommandContext(ConsoleReporter reporter, TextWriter error, TimeProvider time, LinkFactory links)
{
    public ConsoleReporter Reporter { get; } = reporter;

    public TextWriter Out => Reporter.Out;

    public TextWriter Error { get; } = error;

    /// <summary>Progress for commands whose stdout is machine-readable: plain lines on stderr.</summary>
    public ConsoleReporter ProgressOnError() => new(Error, live: false);

    public TimeProvider Time { get; } = time;

    /// <summary>Opens a port, turning transport failures into flash errors with codes.</summary>
    public async Task<IByteLink> OpenAsync(string address, CancellationToken cancellationToken)
    {
        try
        {
            return await links.OpenAsync(address, 115200, cancellationToken).ConfigureAwait(false);
        }
        catch (LinkException e)
        {
            throw new FlashException(FlashErrors.FromLink(e), e);
        }
    }

    /// <summary>Runs a command body and maps every failure to its exit code, after saying what went wrong.</summary>
    public async Task<int> RunAsync(Func<CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body(cancellationToken).ConfigureAwait(false);
        }
        catch (FlashException e)
        {
            ConsoleReporter.PrintError(Error, e.Error);
            return ExitCodes.For(e.Error);
        }
        catch (LedgerException e)
        {
            await Error.WriteLineAsync($"FAILED {e.Code}: {e.Message}").ConfigureAwait(false);
            await Error.WriteLineAsync($"  What to do: {LedgerAdvice(e.Code)}").ConfigureAwait(false);
            return ExitCodes.Ledger;
        }
        catch (RecordFileException e)
        {
            await Error.WriteLineAsync($"FAILED: the records cannot be used: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Records;
        }
        catch (UsageException e)
        {
            await Error.WriteLineAsync($"Usage error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Error.WriteLineAsync("Interrupted.").ConfigureAwait(false);
            return 130;
        }
    }

    private static string LedgerAdvice(string code) => code switch
    {
        LedgerErrorCodes.Unavailable => "check the profile's deviceData.ledger setting and that the database server (or the reports folder) is reachable; no unit was touched.",
        LedgerErrorCodes.SchemaTooNew => "a newer station version made this ledger: update this station before using it.",
        _ => "stop the line and call the manufacturing engineer: the ledger refused to hand out serials, so none were given twice.",
    };
}
