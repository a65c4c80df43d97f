using Station.Protocol.Chips;
using Station.Transport.Discovery;
using Station.Transport.Links;

namespace Station.Line.Fixtures;

/// <summary>
/// A slot that is a physical USB position (hub path <c>1-1.4.2</c>, or an interface <c>1-1.4.2:1.1</c>
/// of a multi-port bridge), not a /dev name: every open looks up which port is plugged in there now,
/// so a board that re-enumerates as /dev/ttyACM1 instead of /dev/ttyACM0 — a USB-Serial/JTAG chip after
/// reset, a re-plugged cable — is still this slot. Nothing plugged in is <see cref="LinkFailure.NotFound"/>,
/// which the slot worker shows as "insert a board".
/// </summary>
public sealed class UsbSlotFixture(string? name, string hubPath, PortDiscovery discovery, LinkFactory links, Func<IByteLink, IByteLink>? wrap = null)
    : ISlotFixture
{
    private SerialPortInfo? _portInfo;
    private MacAddress? _following;

    public string HubPath { get; } = hubPath;

    /// <summary>The device path in use now, or <c>usb:&lt;hub path&gt;</c> before a port was ever found there.</summary>
    public string Port => PortInfo?.DevicePath ?? $"usb:{HubPath}";

    public string? SlotName { get; } = name;

    public SerialPortInfo? PortInfo => Volatile.Read(ref _portInfo);

    /// <summary>The name, else the hub path: stable across re-plugs, unlike the device path.</summary>
    public string SlotKey => SlotName ?? $"usb:{HubPath}";

    public bool ReplacesBoards => false;

    /// <summary>While set, a board with this MAC as USB serial number (USB-Serial/JTAG) is this slot's even at another position.</summary>
    public void Follow(MacAddress? board) => _following = board;

    public async Task<IByteLink> OpenAsync(int baud, CancellationToken cancellationToken)
    {
        var found = discovery.AtHubPath(HubPath)
            ?? (_following is { } board ? discovery.FindByMac(board.ToString()) : null)
            ?? throw new LinkException(LinkFailure.NotFound, $"usb:{HubPath}", $"Nothing is plugged in at USB position {HubPath}{(SlotName is null ? "" : $" ({SlotName})")}.");
        Volatile.Write(ref _portInfo, found);
        var link = await links.OpenAsync(found.DevicePath, baud, cancellationToken).ConfigureAwait(false);
        return wrap is null ? link : wrap(link);
    }

    public Task NextBoardAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
