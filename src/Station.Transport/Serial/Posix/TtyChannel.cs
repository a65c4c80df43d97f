using System.Runtime.CompilerServices;
using Station.Transport.Links;

namespace Station.Transport.Serial.Posix;

/// <summary>
/// Non-blocking reads and writes on one tty descriptor (a serial port or a pty end), waiting through the
/// shared <see cref="PosixReactor"/> only when the syscall says EAGAIN. Owns the descriptor.
/// One read and one write may be pending at the same time.
/// </summary>
internal sealed class TtyChannel : IPollTarget
{
    private readonly ReadinessWaiter _readable = new();
    private readonly ReadinessWaiter _writable = new();
    private readonly string _port;
    private readonly string _goneMessage;
    private readonly ulong _key;
    private volatile bool _hungUp;
    private int _closed;
    private string? _closedMessage;

    /// <param name="fd">An open, non-blocking tty descriptor; the channel takes ownership.</param>
    /// <param name="port">The port's name for errors.</param>
    /// <param name="goneMessage">What to tell the operator when the other side disappears.</param>
    public TtyChannel(FileDescriptor fd, string port, string goneMessage)
    {
        Handle = fd;
        _port = port;
        _goneMessage = goneMessage;
        _key = PosixReactor.Shared.Register(fd, this, port);
    }

    /// <summary>The descriptor, for ioctls by the owning link.</summary>
    public FileDescriptor Handle { get; }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.IsEmpty)
        {
            return ValueTask.FromResult(0);
        }

        cancellationToken.ThrowIfCancellationRequested();
        int observed = _readable.Sequence;
        int n = TryRead(buffer.Span);
        return n > 0 ? ValueTask.FromResult(n) : ReadWhenReadyAsync(buffer, observed, cancellationToken);
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        while (!data.IsEmpty)
        {
            int observed = _writable.Sequence;
            int n = TryWrite(data.Span);
            if (n < 0)
            {
                return WriteWhenReadyAsync(data, observed, cancellationToken);
            }

            data = data[n..];
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Runs an ioctl with the link's error mapping: EIO (and a closed link) mean the port is gone.</summary>
    public unsafe int Ioctl(nuint request, void* argument, out int errno)
    {
        ThrowIfClosed();
        int rc;
        try
        {
            rc = Libc.Ioctl(Handle, request, argument);
        }
        catch (ObjectDisposedException)
        {
            throw Closed();
        }

        errno = rc == 0 ? 0 : Libc.Errno;
        if (errno == Libc.EIO)
        {
            throw Gone(errno);
        }

        return rc;
    }

    /// <summary>
    /// Unregisters, wakes pending operations (they fail with <see cref="LinkFailure.Gone"/> and
    /// <paramref name="reason"/>, or "was closed") and closes the descriptor. Idempotent.
    /// </summary>
    public void Close(string? reason = null)
    {
        _closedMessage ??= reason;
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        PosixReactor.Shared.Unregister(Handle, _key);
        _readable.Close();
        _writable.Close();
        Handle.Dispose();
    }

    void IPollTarget.OnEvents(uint events)
    {
        if ((events & (Libc.EPOLLHUP | Libc.EPOLLERR)) != 0)
        {
            _hungUp = true;
        }

        if ((events & (Libc.EPOLLIN | Libc.EPOLLRDHUP | Libc.EPOLLHUP | Libc.EPOLLERR)) != 0)
        {
            _readable.Signal();
        }

        if ((events & (Libc.EPOLLOUT | Libc.EPOLLHUP | Libc.EPOLLERR)) != 0)
        {
            _writable.Signal();
        }
    }

    public LinkException Gone(int? errno = null) => new(LinkFailure.Gone, _port, _goneMessage) { Errno = errno };

    public void ThrowIfClosed()
    {
        if (IsClosed)
        {
            throw Closed();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadWhenReadyAsync(Memory<byte> buffer, int observed, CancellationToken cancellationToken)
    {
        while (true)
        {
            await _readable.WaitAsync(observed, cancellationToken).ConfigureAwait(false);
            observed = _readable.Sequence;
            int n = TryRead(buffer.Span);
            if (n > 0)
            {
                return n;
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteWhenReadyAsync(ReadOnlyMemory<byte> data, int observed, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            await _writable.WaitAsync(observed, cancellationToken).ConfigureAwait(false);
            while (!data.IsEmpty)
            {
                observed = _writable.Sequence;
                int n = TryWrite(data.Span);
                if (n < 0)
                {
                    break;
                }

                data = data[n..];
            }
        }
    }

    /// <summary>Bytes read (at least 1), or 0 when none are there yet; throws when the port is gone.</summary>
    private unsafe int TryRead(Span<byte> buffer)
    {
        ThrowIfClosed();
        while (true)
        {
            nint n;
            try
            {
                fixed (byte* p = buffer)
                {
                    n = Libc.Read(Handle, p, (nuint)buffer.Length);
                }
            }
            catch (ObjectDisposedException)
            {
                throw Closed();
            }

            if (n > 0)
            {
                return (int)n;
            }

            // VMIN=1 on a non-blocking tty: "no data" is EAGAIN, so 0 means the tty was hung up.
            if (n == 0)
            {
                throw Gone();
            }

            int errno = Libc.Errno;
            switch (errno)
            {
                case Libc.EINTR:
                    continue;
                case Libc.EAGAIN when _hungUp:
                    throw Gone(errno);
                case Libc.EAGAIN:
                    return 0;
                case Libc.EIO:
                    throw Gone(errno);
                default:
                    throw IoFailure("read from", errno);
            }
        }
    }

    /// <summary>Bytes written (at least 1), or -1 when the driver's buffer is full.</summary>
    private unsafe int TryWrite(ReadOnlySpan<byte> data)
    {
        ThrowIfClosed();
        while (true)
        {
            nint n;
            try
            {
                fixed (byte* p = data)
                {
                    n = Libc.Write(Handle, p, (nuint)data.Length);
                }
            }
            catch (ObjectDisposedException)
            {
                throw Closed();
            }

            if (n > 0)
            {
                return (int)n;
            }

            // A tty reports a full buffer as EAGAIN; treat a zero-byte write the same rather than spin.
            if (n == 0)
            {
                return -1;
            }

            int errno = Libc.Errno;
            switch (errno)
            {
                case Libc.EINTR:
                    continue;
                case Libc.EAGAIN when _hungUp:
                    throw Gone(errno);
                case Libc.EAGAIN:
                    return -1;
                case Libc.EIO:
                    throw Gone(errno);
                default:
                    throw IoFailure("write to", errno);
            }
        }
    }

    private LinkException Closed() => new(LinkFailure.Gone, _port, _closedMessage ?? $"{_port} was closed.");

    private LinkException IoFailure(string what, int errno) =>
        new(LinkFailure.Io, _port, $"Could not {what} {_port}: {Libc.Describe(errno)}.") { Errno = errno };
}
