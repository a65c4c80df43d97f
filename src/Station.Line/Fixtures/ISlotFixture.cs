using Station.Transport.Discovery;
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

    /// <summary>What operators call this slot ("fixture A, slot 3"), from the station file; null when it has no name.</summary>
    string? SlotName => null;

    /// <summary>The port as the operating system described it when last opened (USB ids, bridge, hub path); null when unknown.</summary>
    SerialPortInfo? PortInfo => null;

    /// <summary>What the slot is remembered by across jobs (learned baud): its name, else its port.</summary>
    string SlotKey => SlotName ?? Port;
}

/// <summary>
/// A port on the line (serial device or URL) opened through the link factory; the operator swaps boards.
/// With <see cref="Discovery"/>, a device path is looked up at every open, so the slot knows its USB bridge.
/// </summary>
public sealed class PortFixture(string port, LinkFactory links, Func<IByteLink, IByteLink>? wrap = null) : ISlotFixture
{
    private SerialPortInfo? _portInfo;

    public string Port { get; } = port;

    public bool ReplacesBoards => false;

    public string? SlotName { get; init; }

    /// <summary>Where to look the port up (device paths only); null: not looked up.</summary>
    public PortDiscovery? Discovery { get; init; }

    public SerialPortInfo? PortInfo => Volatile.Read(ref _portInfo);

    public async Task<IByteLink> OpenAsync(int baud, CancellationToken cancellationToken)
    {
        if (Discovery is { } discovery && Port.StartsWith('/') && discovery.Find(Port) is { } found)
        {
            Volatile.Write(ref _portInfo, found);
        }

        var link = await links.OpenAsync(Port, baud, cancellationToken).ConfigureAwait(false);
        return wrap is null ? link : wrap(link);
    }

    public Task NextBoardAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
