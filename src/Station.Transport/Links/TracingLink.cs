namespace Station.Transport.Links;

/// <summary>Which way traced bytes went.</summary>
public enum TraceDirection
{
    ToDevice,
    FromDevice,
}

/// <summary>
/// Passes everything through to an inner link and reports every chunk written and read, with the
/// line changes and baud switches, for a per-port wire trace.
/// </summary>
public sealed class TracingLink(IByteLink inner, Action<TraceDirection, ReadOnlyMemory<byte>> onBytes, Action<string> onControl) : IByteLink
{
    public string Name => inner.Name;

    public LinkCapabilities Capabilities => inner.Capabilities;

    public int Baud => inner.Baud;

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        onBytes(TraceDirection.FromDevice, buffer[..n]);
        return n;
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        onBytes(TraceDirection.ToDevice, data);
        return inner.WriteAsync(data, cancellationToken);
    }

    public ValueTask SetBaudAsync(int baud, CancellationToken cancellationToken)
    {
        onControl($"baud {baud}");
        return inner.SetBaudAsync(baud, cancellationToken);
    }

    public ValueTask SetLinesAsync(bool? dtr, bool? rts, CancellationToken cancellationToken)
    {
        onControl($"lines dtr={Show(dtr)} rts={Show(rts)}");
        return inner.SetLinesAsync(dtr, rts, cancellationToken);
    }

    public ValueTask DiscardInputAsync(CancellationToken cancellationToken)
    {
        onControl("discard input");
        return inner.DiscardInputAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private static string Show(bool? line) => line switch { true => "1", false => "0", null => "-" };
}
