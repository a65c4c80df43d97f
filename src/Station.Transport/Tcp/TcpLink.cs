using System.Net.Sockets;
using Station.Transport.Links;

namespace Station.Transport.Tcp;

/// <summary>
/// A raw TCP byte stream (<c>socket://host:port</c>). There are no modem lines and no baud on the
/// wire, so reset sequences cannot reach the device and the baud is only remembered. A network serial
/// server (ser2net) whose port another client holds answers <c>Port already in use</c> and closes: that
/// close is reported as a busy port, not as a device that went away.
/// </summary>
public sealed class TcpLink : IByteLink
{
    public const string Scheme = "socket://";

    private readonly Socket _socket;
    private static readonly byte[] InUseAnswer = "Port already in use"u8.ToArray();

    private readonly byte[] _drain = new byte[4096];
    private readonly byte[] _opening = new byte[InUseAnswer.Length];
    private int _openingLength;

    private TcpLink(Socket socket, string name, int baud)
    {
        _socket = socket;
        _socket.NoDelay = true;
        Name = name;
        Baud = baud;
    }

    public string Name { get; }

    public LinkCapabilities Capabilities => new(ModemLines: false, Baud: false);

    public int Baud { get; private set; }

    /// <summary>Connects a TCP socket to <paramref name="host"/>:<paramref name="port"/>; a refusal or an unknown host is <see cref="LinkFailure.Unreachable"/>.</summary>
    internal static async Task<Socket> OpenSocketAsync(string url, string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new LinkException(LinkFailure.Unreachable, url, $"Cannot connect to {url}: {e.Message}.", e) { Errno = (int)e.SocketErrorCode };
        }
        catch (OperationCanceledException)
        {
            socket.Dispose();
            throw;
        }

        return socket;
    }

    /// <summary>Connects to <c>socket://host:port</c>.</summary>
    public static async Task<TcpLink> ConnectAsync(string url, int baud, CancellationToken cancellationToken)
    {
        var (host, port) = ParseUrl(url);
        var socket = await OpenSocketAsync(url, host, port, cancellationToken).ConfigureAwait(false);

        return new TcpLink(socket, url, baud);
    }

    /// <summary>Wraps a socket accepted by a server (the device end of a simulated port).</summary>
    public static TcpLink FromAccepted(Socket socket, string name) => new(socket, name, 115200);

    public static (string Host, int Port) ParseUrl(string url)
    {
        if (!url.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new LinkException(LinkFailure.BadAddress, url, $"'{url}' is not a socket:// URL.");
        }

        string rest = url[Scheme.Length..].TrimEnd('/');
        int colon = rest.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(rest.AsSpan(colon + 1), out int port) || port is < 1 or > 65535)
        {
            throw new LinkException(LinkFailure.BadAddress, url, $"'{url}' must look like socket://HOST:PORT.");
        }

        return (rest[..colon].Trim('[', ']'), port);
    }

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int n;
        try
        {
            n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw Gone(e);
        }
        catch (ObjectDisposedException e)
        {
            throw Gone(e);
        }

        if (n == 0)
        {
            throw Gone(null);
        }

        KeepOpening(buffer.Span[..n]);
        return n;
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            while (!data.IsEmpty)
            {
                int n = await _socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                data = data[n..];
            }
        }
        catch (SocketException e)
        {
            throw Gone(e);
        }
        catch (ObjectDisposedException e)
        {
            throw Gone(e);
        }
    }

    public ValueTask SetBaudAsync(int baud, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(baud);
        Baud = baud;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetLinesAsync(bool? dtr, bool? rts, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DiscardInputAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (_socket.Available > 0)
            {
                int n = _socket.Receive(_drain, Math.Min(_drain.Length, _socket.Available), SocketFlags.None);
                KeepOpening(_drain.AsSpan(0, n));
            }
        }
        catch (SocketException e)
        {
            throw Gone(e);
        }
        catch (ObjectDisposedException e)
        {
            throw Gone(e);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already closed by the peer: nothing left to shut down.
        }
        catch (ObjectDisposedException)
        {
            // Disposed twice: harmless.
        }

        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Keeps the first bytes the server sent: enough to recognise its in-use answer.</summary>
    private void KeepOpening(ReadOnlySpan<byte> received)
    {
        int n = Math.Min(received.Length, _opening.Length - _openingLength);
        received[..n].CopyTo(_opening.AsSpan(_openingLength));
        _openingLength += n;
    }

    private LinkException Gone(Exception? inner) =>
        _openingLength == _opening.Length && _opening.AsSpan().SequenceEqual(InUseAnswer)
            ? new(LinkFailure.Busy, Name, $"{Name} answered 'Port already in use' and closed the connection.", inner)
            {
                Holder = "another client of the network serial server",
            }
            : new(LinkFailure.Gone, Name, $"{Name} closed the connection.", inner);
}
