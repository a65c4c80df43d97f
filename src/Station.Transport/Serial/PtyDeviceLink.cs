using Station.Transport.Links;
using Station.Transport.Serial.Posix;

namespace Station.Transport.Serial;

/// <summary>
/// The device end (master) of a <see cref="PseudoTerminal"/>: what a simulated device reads the host's
/// bytes from and writes its replies to, through the same reactor as <see cref="PosixSerialLink"/>.
/// </summary>
/// <remarks>
/// A pty has no modem lines: <see cref="Lines"/> is always the default (both released) and
/// <see cref="LinesChanged"/> never fires, so reset sequences cannot be observed here (use the
/// in-memory pair or RFC2217 for that). The pty does not pace bytes either; <see cref="HostBaud"/>
/// tells what the host set, for a device that models wire time itself.
/// Disposing this link unplugs the whole <see cref="PseudoTerminal"/>.
/// </remarks>
public sealed class PtyDeviceLink : IByteLink, IHostSignals
{
    private readonly PseudoTerminal _owner;
    private readonly TtyChannel _master;
    private readonly FileDescriptor _slave;
    private int _lastBaud = PseudoTerminal.InitialBaud;

    internal PtyDeviceLink(PseudoTerminal owner, string name, TtyChannel master, FileDescriptor slave)
    {
        _owner = owner;
        Name = name;
        _master = master;
        _slave = slave;
    }

    /// <summary>Never raised: a pty carries no DTR/RTS.</summary>
    public event Action<LineState>? LinesChanged
    {
        add { }
        remove { }
    }

    /// <summary>The host's path (the link, or the slave).</summary>
    public string Name { get; }

    /// <summary>No modem lines, and the baud setting does not change the (non-existent) wire rate.</summary>
    public LinkCapabilities Capabilities => new(ModemLines: false, Baud: false);

    /// <summary>The host's baud (<see cref="HostBaud"/>), or the last one seen once unplugged.</summary>
    public int Baud => HostBaud ?? Volatile.Read(ref _lastBaud);

    /// <summary>Always released: a pty has no modem lines.</summary>
    public LineState Lines => default;

    /// <summary>
    /// The baud the host last set on the slave, read live with TCGETS2 on the master (a pty master
    /// reports its slave's settings); null once unplugged.
    /// </summary>
    public int? HostBaud
    {
        get
        {
            if (_master.IsClosed)
            {
                return null;
            }

            try
            {
                if (!Termios2.TryGet(_master.Handle, out var settings, out _))
                {
                    return null;
                }

                Volatile.Write(ref _lastBaud, (int)settings.OSpeed);
                return (int)settings.OSpeed;
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
        }
    }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _master.ReadAsync(buffer, cancellationToken);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        _master.WriteAsync(data, cancellationToken);

    /// <summary>No-op: the baud belongs to the host (see <see cref="HostBaud"/>).</summary>
    public ValueTask SetBaudAsync(int baud, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(baud);
        return ValueTask.CompletedTask;
    }

    /// <summary>No-op: a pty has no modem lines.</summary>
    public ValueTask SetLinesAsync(bool? dtr, bool? rts, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Drops what the host wrote and the device has not read yet.</summary>
    public unsafe ValueTask DiscardInputAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_master.Ioctl(Libc.TCFLSH, (void*)Libc.TCIFLUSH, out int errno) != 0)
        {
            throw new LinkException(LinkFailure.Io, Name, $"Could not discard the input of {Name}: {Libc.Describe(errno)}.") { Errno = errno };
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Unplugs the pseudo-terminal (see <see cref="PseudoTerminal.Unplug"/>).</summary>
    public ValueTask DisposeAsync()
    {
        _owner.Unplug();
        return ValueTask.CompletedTask;
    }

    /// <summary>Closes the master first, so the host sees the hang-up, then the kept slave descriptor.</summary>
    internal void Close(string reason)
    {
        _master.Close(reason);
        _slave.Dispose();
    }
}
