using Station.Transport.Links;
using Station.Transport.Serial.Posix;

namespace Station.Transport.Serial;

/// <summary>
/// A local serial port (<c>/dev/ttyUSB0</c>, <c>/dev/serial/by-id/...</c>, a pty slave) driven through
/// Linux termios2 and ioctls. Opened exclusively (flock + TIOCEXCL; a busy port names its holder),
/// raw 8N1 without flow control at any baud the driver accepts. Reads and writes never block a thread:
/// they try the syscall and, on EAGAIN, wait on the process-wide epoll reactor, so cancellation works
/// and 64 ports cost one thread. A port that disappears (EIO, hang-up) fails with <see cref="LinkFailure.Gone"/>.
/// </summary>
/// <remarks>Linux on x86_64 and arm64 only; elsewhere <see cref="OpenAsync"/> throws <see cref="PlatformNotSupportedException"/>.</remarks>
public sealed class PosixSerialLink : IByteLink
{
    private readonly TtyChannel _channel;

    private PosixSerialLink(string name, TtyChannel channel, int baud, bool modemLines)
    {
        Name = name;
        _channel = channel;
        Baud = baud;
        Capabilities = new LinkCapabilities(ModemLines: modemLines, Baud: true);
    }

    public string Name { get; }

    /// <summary>ModemLines is false where the driver has none (a pty answers TIOCMGET with ENOTTY).</summary>
    public LinkCapabilities Capabilities { get; }

    /// <summary>The baud the driver reported back after the last change (within 3 % of what was asked).</summary>
    public int Baud { get; private set; }

    /// <summary>
    /// Opens <paramref name="path"/> exclusively in raw 8N1 at <paramref name="baud"/>. Failures are
    /// <see cref="LinkException"/>s: NotFound, PermissionDenied, Busy (with <see cref="LinkException.Holder"/>),
    /// NotASerialPort, BaudUnsupported, Io (with <see cref="LinkException.Errno"/>).
    /// </summary>
    public static Task<IByteLink> OpenAsync(string path, int baud, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(baud);
        cancellationToken.ThrowIfCancellationRequested();
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The POSIX serial layer supports Linux on x86_64 and arm64.");
        }

        // Every step is a non-blocking syscall (O_NONBLOCK: no wait for carrier), so there is nothing to await.
        return Task.FromResult<IByteLink>(Open(path, baud));
    }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _channel.ReadAsync(buffer, cancellationToken);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        _channel.WriteAsync(data, cancellationToken);

    public ValueTask SetBaudAsync(int baud, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(baud);
        cancellationToken.ThrowIfCancellationRequested();
        _channel.ThrowIfClosed();
        try
        {
            Baud = Termios2.ApplyRaw(_channel.Handle, Name, baud);
        }
        catch (ObjectDisposedException)
        {
            _channel.ThrowIfClosed();
            throw;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Both lines given: one TIOCMGET then one TIOCMSET, so DTR and RTS change at the same instant.
    /// One line given: TIOCMBIS/TIOCMBIC on that line only. No-op where the port has no modem lines.
    /// </summary>
    public unsafe ValueTask SetLinesAsync(bool? dtr, bool? rts, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!Capabilities.ModemLines || (dtr is null && rts is null))
        {
            _channel.ThrowIfClosed();
            return ValueTask.CompletedTask;
        }

        int bits;
        if (dtr is bool d && rts is bool r)
        {
            if (_channel.Ioctl(Libc.TIOCMGET, &bits, out int errno) != 0)
            {
                throw LinesFailure(errno);
            }

            bits = Apply(Apply(bits, Libc.TIOCM_DTR, d), Libc.TIOCM_RTS, r);
            if (_channel.Ioctl(Libc.TIOCMSET, &bits, out errno) != 0)
            {
                throw LinesFailure(errno);
            }

            return ValueTask.CompletedTask;
        }

        bool asserted = (dtr ?? rts)!.Value;
        bits = dtr is null ? Libc.TIOCM_RTS : Libc.TIOCM_DTR;
        if (_channel.Ioctl(asserted ? Libc.TIOCMBIS : Libc.TIOCMBIC, &bits, out int error) != 0)
        {
            throw LinesFailure(error);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>tcflush(TCIFLUSH): drops what the driver and line discipline hold, not what is still on the wire.</summary>
    public unsafe ValueTask DiscardInputAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_channel.Ioctl(Libc.TCFLSH, (void*)Libc.TCIFLUSH, out int errno) != 0)
        {
            throw new LinkException(LinkFailure.Io, Name, $"Could not discard the input of {Name}: {Libc.Describe(errno)}.") { Errno = errno };
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Clears TIOCEXCL (so the next opener is not refused), closes the port; pending reads and writes fail with Gone. Idempotent.</summary>
    public unsafe ValueTask DisposeAsync()
    {
        if (!_channel.IsClosed)
        {
            try
            {
                // Best effort: a port that vanished answers EIO, and closing is all that is left to do.
                _channel.Ioctl(Libc.TIOCNXCL, null, out _);
            }
            catch (LinkException)
            {
            }
        }

        _channel.Close();
        return ValueTask.CompletedTask;
    }

    private static int Apply(int bits, int line, bool asserted) => asserted ? bits | line : bits & ~line;

    private static PosixSerialLink Open(string path, int baud)
    {
        var fd = Libc.Open(path, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (fd.IsInvalid)
        {
            int errno = Libc.Errno;
            fd.Dispose();
            throw OpenFailure(path, errno);
        }

        try
        {
            if (!Termios2.TryGet(fd, out _, out int errno))
            {
                throw errno is Libc.ENOTTY or Libc.EINVAL
                    ? new LinkException(LinkFailure.NotASerialPort, path, $"{path} is not a serial port.") { Errno = errno }
                    : OpenFailure(path, errno);
            }

            if (Libc.Flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) != 0)
            {
                errno = Libc.Errno;
                if (errno != Libc.EAGAIN)
                {
                    throw OpenFailure(path, errno);
                }

                // Close ours first so the search for the holder does not find this descriptor.
                fd.Dispose();
                throw Busy(path, errno);
            }

            // Also refuse later open() calls from other programs (root bypasses this; the flock still holds).
            if (Libc.Ioctl(fd, Libc.TIOCEXCL, 0) != 0)
            {
                throw OpenFailure(path, Libc.Errno);
            }

            int actual = Termios2.ApplyRaw(fd, path, baud);
            bool modemLines = ProbeModemLines(fd, path);
            var channel = new TtyChannel(fd, path, $"{path} disappeared: unplugged, or the device re-enumerated.");
            return new PosixSerialLink(path, channel, actual, modemLines);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    private static unsafe bool ProbeModemLines(FileDescriptor fd, string path)
    {
        int bits;
        if (Libc.Ioctl(fd, Libc.TIOCMGET, &bits) == 0)
        {
            return true;
        }

        int errno = Libc.Errno;
        if (errno is Libc.ENOTTY or Libc.EINVAL)
        {
            return false;
        }

        throw OpenFailure(path, errno);
    }

    private static LinkException OpenFailure(string path, int errno) => errno switch
    {
        Libc.ENOENT or Libc.ENXIO or Libc.ENODEV or Libc.ENOTDIR => new LinkException(
            LinkFailure.NotFound, path, $"{path} does not exist: check that the board is plugged in and the port name (ls /dev/serial/by-id).") { Errno = errno },
        Libc.EACCES or Libc.EPERM => new LinkException(
            LinkFailure.PermissionDenied, path, $"Permission denied opening {path}: add the user to the dialout group (sudo usermod -aG dialout $USER) and log in again.") { Errno = errno },
        Libc.EBUSY => Busy(path, errno),
        Libc.EISDIR => new LinkException(LinkFailure.NotASerialPort, path, $"{path} is a directory, not a serial port.") { Errno = errno },
        Libc.EIO => new LinkException(LinkFailure.Gone, path, $"{path} disappeared: unplugged, or the device re-enumerated.") { Errno = errno },
        _ => new LinkException(LinkFailure.Io, path, $"Could not open {path}: {Libc.Describe(errno)}.") { Errno = errno },
    };

    private static LinkException Busy(string path, int errno)
    {
        string? holder = PortHolder.Find(path);
        string message = holder is null
            ? $"{path} is in use by another program; close it (fuser -v {path} shows which)."
            : $"{path} is held by {holder}; close that program.";
        return new LinkException(LinkFailure.Busy, path, message) { Holder = holder, Errno = errno };
    }

    private LinkException LinesFailure(int errno) =>
        new(LinkFailure.Io, Name, $"Could not set DTR/RTS on {Name}: {Libc.Describe(errno)}.") { Errno = errno };
}
