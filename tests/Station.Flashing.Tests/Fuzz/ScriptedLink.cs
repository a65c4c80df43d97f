using Station.Transport.Links;

namespace Station.Flashing.Tests.Fuzz;

/// <summary>
/// A link that hands the client pre-scripted reads, one chunk per read, each taking its wire time on the
/// <see cref="ManualClock"/>. After the script the device either streams <c>endless</c> bytes forever (an
/// application logging at full speed) or goes quiet: the clock jumps an hour, so every pending timeout fires.
/// Like a real port, a read returns data that is there even when its token is cancelled. A client that keeps
/// reading far past its timeout is stuck in a loop, and the link fails it instead of feeding it forever.
/// </summary>
internal sealed class ScriptedLink(ManualClock clock, IReadOnlyList<ArraySegment<byte>> script, byte[]? endless = null) : IByteLink
{
    /// <summary>Time for one byte at 115200 baud, 10 bits a byte.</summary>
    private static readonly TimeSpan ByteTime = TimeSpan.FromTicks(TimeSpan.TicksPerSecond * 10 / 115_200);

    /// <summary>Far more reads than any timeout in the client allows at 115200 baud.</summary>
    private const int ReadLimit = 100_000;

    private ReadOnlyMemory<byte> _pending;
    private int _next;
    private int _reads;

    public string Name => "fuzz://0";

    public LinkCapabilities Capabilities => new(ModemLines: false, Baud: false);

    public int Baud => 115_200;

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (++_reads > script.Count + ReadLimit)
        {
            throw new InvalidOperationException($"the client read {_reads} times: it does not stop at its timeout");
        }

        if (_pending.IsEmpty)
        {
            if (_next < script.Count)
            {
                _pending = script[_next++];
            }
            else if (endless is not null)
            {
                _pending = endless;
            }
            else
            {
                clock.Advance(TimeSpan.FromHours(1));
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
        }

        int n = Math.Min(buffer.Length, _pending.Length);
        _pending[..n].CopyTo(buffer);
        _pending = _pending[n..];
        clock.Advance(ByteTime * n);
        return n;
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask SetBaudAsync(int baud, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask SetLinesAsync(bool? dtr, bool? rts, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DiscardInputAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
