namespace Station.Transport.Memory;

/// <summary>
/// One direction of an in-memory wire: writers append, one reader waits for bytes. Closing wakes the
/// reader, which then sees the end once the queued bytes are read.
/// </summary>
internal sealed class ByteQueue
{
    private readonly Lock _gate = new();
    private readonly Queue<byte[]> _chunks = new();
    private int _headOffset;
    private TaskCompletionSource? _waiter;
    private bool _closed;

    public void Write(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        TaskCompletionSource? wake;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _chunks.Enqueue(data.ToArray());
            wake = _waiter;
            _waiter = null;
        }

        wake?.TrySetResult();
    }

    /// <summary>Returns bytes read, or 0 once the queue is closed and empty.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_chunks.Count > 0)
                {
                    return Take(buffer.Span);
                }

                if (_closed)
                {
                    return 0;
                }

                _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _waiter.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _chunks.Clear();
            _headOffset = 0;
        }
    }

    public void Close()
    {
        TaskCompletionSource? wake;
        lock (_gate)
        {
            _closed = true;
            wake = _waiter;
            _waiter = null;
        }

        wake?.TrySetResult();
    }

    private int Take(Span<byte> destination)
    {
        int copied = 0;
        while (copied < destination.Length && _chunks.Count > 0)
        {
            byte[] head = _chunks.Peek();
            int n = Math.Min(head.Length - _headOffset, destination.Length - copied);
            head.AsSpan(_headOffset, n).CopyTo(destination[copied..]);
            copied += n;
            _headOffset += n;
            if (_headOffset == head.Length)
            {
                _chunks.Dequeue();
                _headOffset = 0;
            }
        }

        return copied;
    }
}
