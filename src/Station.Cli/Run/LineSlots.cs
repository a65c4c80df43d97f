using Station.Cli.Options;
using Station.Cli.Ports;
using Station.Line.Fixtures;
using Station.Transport.Discovery;
using Station.Transport.Links;

namespace Station.Cli.Run;

/// <summary>The slots of a real line: from a port list, or from a station file's named slots.</summary>
public static class LineSlots
{
    /// <summary>One slot per port; device paths are looked up so each slot knows its USB bridge.</summary>
    public static IReadOnlyList<ISlotFixture> FromPorts(IReadOnlyList<string> ports, LinkFactory links, PortDiscovery discovery, Func<IByteLink, int, IByteLink>? wrap) =>
        [.. ports.Select((port, i) => (ISlotFixture)new PortFixture(port, links, Wrap(wrap, i + 1)) { Discovery = discovery })];

    /// <summary>One named slot per station-file entry, in file order: USB positions, by-path names or port addresses.</summary>
    public static IReadOnlyList<ISlotFixture> FromStationFile(StationFile file, LinkFactory links, PortDiscovery discovery, Func<IByteLink, int, IByteLink>? wrap) =>
        [.. file.Slots.Select((slot, i) => Fixture(slot, links, discovery, Wrap(wrap, i + 1)))];

    /// <summary>The discovery a station file asks for: the machine's ports, with the file's bridge corrections.</summary>
    public static PortDiscovery Discovery(StationFile? file, string sysRoot = "/sys", string devRoot = "/dev") =>
        new(sysRoot, devRoot, file?.Catalogue);

    private static ISlotFixture Fixture(StationSlot slot, LinkFactory links, PortDiscovery discovery, Func<IByteLink, IByteLink>? wrap)
    {
        if (slot.Usb is { } hubPath)
        {
            return new UsbSlotFixture(slot.Name, hubPath, discovery, links, wrap);
        }

        string port = slot.ByPath is { } byPath
            ? byPath.StartsWith('/') ? byPath : Path.Combine(discovery.DevRoot, "serial", "by-path", byPath)
            : slot.Port ?? throw new UsageException($"Slot '{slot.Name}' says nowhere where it is.");
        return new PortFixture(port, links, wrap) { SlotName = slot.Name, Discovery = discovery };
    }

    private static Func<IByteLink, IByteLink>? Wrap(Func<IByteLink, int, IByteLink>? wrap, int slot) =>
        wrap is null ? null : link => wrap(link, slot);
}
