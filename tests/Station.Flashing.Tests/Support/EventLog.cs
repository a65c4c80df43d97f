using System.Collections.Concurrent;
using Station.Flashing.Events;

namespace Station.Flashing.Tests.Support;

/// <summary>Collects flash events in order.</summary>
internal sealed class EventLog : IFlashEventSink
{
    private readonly ConcurrentQueue<FlashEvent> _events = new();

    public IReadOnlyList<FlashEvent> Events => [.. _events];

    public void On(FlashEvent e) => _events.Enqueue(e);

    public IEnumerable<T> Of<T>() => Events.OfType<T>();
}
