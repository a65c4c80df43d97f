using System.Collections.Concurrent;
using Station.Line.Events;
using Station.Traceability;

namespace Station.Line.Tests.Support;

/// <summary>Keeps records and line events in memory.</summary>
internal sealed class Recorded : IRecordSink, ILineEventSink
{
    private readonly ConcurrentQueue<UnitRecord> _records = new();
    private readonly ConcurrentQueue<LineEvent> _events = new();

    public IReadOnlyList<UnitRecord> Records => [.. _records];

    public IReadOnlyList<LineEvent> Events => [.. _events];

    public Action<LineEvent>? OnEvent { get; set; }

    public Task WriteAsync(UnitRecord record, CancellationToken cancellationToken)
    {
        _records.Enqueue(record);
        return Task.CompletedTask;
    }

    public void On(LineEvent e)
    {
        _events.Enqueue(e);
        OnEvent?.Invoke(e);
    }
}
