using Station.Protocol.Chips;
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

    /// <summary>
    /// The board this slot is waiting to see again (after it went away mid-unit), or null when none: a
    /// fixture that can find a board by its MAC — a USB-Serial/JTAG chip that re-enumerated under another
    /// /dev name reports its MAC as USB serial number — opens it there when its own port stays absent.
    /// </summary>
    void Follow(MacAddress? board)
    {
    }
}

/// <summary>
/// A port on the line (serial device or URL) opened through the link factory; the operator swaps boards.
/// With <see cref="Discovery"/>, a device path is looked up at every open, so the slot knows its USB bridge.
/// </summary>
public sealed class PortFixture(string port, LinkFactory links, Func<IByteLink, IByteLink>? wrap = null) : ISlotFixture
{
    private readonly string _given = port;
    private SerialPortInfo? _portInfo;
    private string _port = port;
    private MacAddress? _following;

    /// <summary>The port given, or where the followed board re-appeared (<see cref="Follow"/>).</summary>
    public string Port => Volatile.Read(ref _port);

    public bool ReplacesBoards => false;

    public string? SlotName { get; init; }

    /// <summary>Where to look the port up (device paths only); null: not looked up, and boards are not followed.</summary>
    public PortDiscovery? Discovery { get; init; }

    public SerialPortInfo? PortInfo => Volatile.Read(ref _portInfo);

    /// <summary>The name, else the port given (not where a followed board moved to).</summary>
    public string SlotKey => SlotName ?? _given;

    public void Follow(MacAddress? board) => _following = board;

    public async Task<IByteLink> OpenAsync(int baud, CancellationToken cancellationToken)
    {
        if (Discovery is { } discovery && Port.StartsWith('/'))
        {
            if (discovery.Find(Port) is { } found)
            {
                Volatile.Write(ref _portInfo, found);
            }
            else if (_following is { } board && discovery.FindByMac(board.ToString()) is { } moved)
            {
                // The board came back under another name (USB-Serial/JTAG re-enumeration): the slot moves with it.
                Volatile.Write(ref _portInfo, moved);
                Volatile.Write(ref _port, moved.DevicePath);
            }
        }

        var link = await links.OpenAsync(Port, baud, cancellationToken).ConfigureAwait(false);
        return wrap is null ? link : wrap(link);
    }

    public Task NextBoardAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
