using Station.Transport.Links;

namespace Station.Line.Fixtures;

/// <summary>
/// One slot of the line: where its unit is reached, and — for fixtures that can do it — how the next
/// unit is put in place (a simulated fleet swaps boards; on a real line the operator does).
/// </summary>
public interface ISlotFixture
{
    /// <summary>The port address (device path or URL).</summary>
    string Port { get; }

    Task<IByteLink> OpenAsync(int baud, CancellationToken cancellationToken);

    /// <summary>True when <see cref="NextBoardAsync"/> itself puts a new unit in the slot.</summary>
    bool ReplacesBoards { get; }

    /// <summary>Called after a unit ends: a new unit is in place when this returns (if <see cref="ReplacesBoards"/>).</summary>
    Task NextBoardAsync(CancellationToken cancellationToken);
}

/// <summary>A port on the line (serial device or URL) opened through the link factory; the operator swaps boards.</summary>
public sealed class PortFixture(string port, LinkFactory links, Func<IByteLink, IByteLink>? wrap = null) : ISlotFixture
{
    public string Port { get; } = port;

    public bool ReplacesBoards => false;

    public async Task<IByteLink> OpenAsync(int baud, CancellationToken cancellationToken)
    {
        var link = await links.OpenAsync(Port, baud, cancellationToken).ConfigureAwait(false);
        return wrap is null ? link : wrap(link);
    }

    public Task NextBoardAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
