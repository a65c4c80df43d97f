using System.Runtime.CompilerServices;
using Station.Line.Fixtures;
using Station.Transport.Discovery;
using Station.Transport.Links;

namespace Station.Cli.Run;

/// <summary>
/// The slots of <c>run --ports-glob</c>, hot-plugged: the ports matching when the job starts, then every
/// port that starts matching later (looked for every <paramref name="interval"/>), each once. A kernel
/// name on USB (<c>/dev/ttyUSB3</c>) is a slot by its hub path, so the same socket re-plugged as ttyUSB4 is
/// the same slot, not a new one; a stable name (a by-path or udev link, a pty) is a slot by that name.
/// A port that goes away keeps its slot: the slot's worker waits until it is back.
/// </summary>
public sealed class GlobSlots(
    string pattern, PortDiscovery discovery, LinkFactory links, Func<IByteLink, int, IByteLink>? wrap, TimeSpan interval, TimeProvider time) : ISlotSource
{
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private int _count;

    public string Pattern { get; } = pattern;

    /// <summary>The slots whose ports match now (call once, before the job starts).</summary>
    public IReadOnlyList<ISlotFixture> Present() => Scan();

    public async IAsyncEnumerable<ISlotFixture> AppearingAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
            foreach (var slot in Scan())
            {
                yield return slot;
            }
        }
    }

    private List<ISlotFixture> Scan()
    {
        var appeared = new List<ISlotFixture>();
        foreach (string path in PortList.Matches(Pattern))
        {
            bool stableName = new FileInfo(path).LinkTarget is not null;
            string? hubPath = stableName ? null : discovery.Find(path)?.Usb?.SlotKey;
            if (!_known.Add(hubPath is null ? path : "usb:" + hubPath))
            {
                continue;
            }

            int number = ++_count;
            Func<IByteLink, IByteLink>? wrapSlot = wrap is null ? null : link => wrap(link, number);
            appeared.Add(hubPath is null
                ? new PortFixture(path, links, wrapSlot) { Discovery = discovery }
                : new UsbSlotFixture(null, hubPath, discovery, links, wrapSlot));
        }

        return appeared;
    }
}
