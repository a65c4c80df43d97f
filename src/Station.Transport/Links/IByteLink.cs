namespace Station.Transport.Links;

/// <summary>
/// A byte stream to one device: a serial port, a TCP socket, an in-memory pipe. The flashing code
/// sees only this. Reads wait for at least one byte and honour cancellation (that is how callers
/// apply timeouts); a port that disappears surfaces as <see cref="LinkException"/> with
/// <see cref="LinkFailure.Gone"/>.
/// </summary>
public interface IByteLink : IAsyncDisposable
{
    /// <summary>What the user called the port (a device path or URL).</summary>
    string Name { get; }

    LinkCapabilities Capabilities { get; }

    /// <summary>The baud the host side is set to (remembered even where the medium ignores it).</summary>
    int Baud { get; }

    /// <summary>Waits for at least one byte and returns how many were copied into <paramref name="buffer"/>.</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Writes all of <paramref name="data"/>.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    ValueTask SetBaudAsync(int baud, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the modem lines; <c>true</c> = asserted (0 V). A null leaves that line alone; two non-null
    /// values are applied in one operation (TIOCMSET), which the Unix-tight reset relies on.
    /// No-op on links without modem lines (see <see cref="LinkCapabilities.ModemLines"/>).
    /// </summary>
    ValueTask SetLinesAsync(bool? dtr, bool? rts, CancellationToken cancellationToken);

    /// <summary>Drops everything received but not yet read.</summary>
    ValueTask DiscardInputAsync(CancellationToken cancellationToken);
}

/// <summary>What a link can actually do.</summary>
/// <param name="ModemLines">DTR/RTS reach the device (so reset sequences work).</param>
/// <param name="Baud">The baud setting changes the wire rate.</param>
public readonly record struct LinkCapabilities(bool ModemLines, bool Baud);

/// <summary>The state of the host's modem lines; true = asserted.</summary>
public readonly record struct LineState(bool Dtr, bool Rts);

/// <summary>
/// Implemented by the device end of links that carry the host's control signals (in-memory pair,
/// pseudo-terminal master, RFC2217 server), so a simulated device can react to resets and bauds.
/// </summary>
public interface IHostSignals
{
    /// <summary>The host's current lines.</summary>
    LineState Lines { get; }

    /// <summary>The host's baud when the medium reports it; null when unknown (TCP).</summary>
    int? HostBaud { get; }

    /// <summary>
    /// The host's baud for the bytes the device read last. Where a baud change travels in the same
    /// stream as the data (RFC 2217), bytes sent before it may still be unread when it takes effect;
    /// elsewhere this is <see cref="HostBaud"/>.
    /// </summary>
    int? HostBaudOfLastRead => HostBaud;

    /// <summary>Raised synchronously whenever the host changes its lines.</summary>
    event Action<LineState>? LinesChanged;
}
