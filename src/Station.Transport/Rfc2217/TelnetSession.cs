using System.Buffers;
using System.Net.Sockets;
using Station.Transport.Links;
using Station.Transport.Memory;

namespace Station.Transport.Rfc2217;

/// <summary>Receives a subnegotiation on the session's reader (keep it short: the stream waits).</summary>
internal delegate void SubnegotiationHandler(byte option, ReadOnlySpan<byte> payload);

/// <summary>Receives data on the session's reader.</summary>
internal delegate void DataHandler(ReadOnlySpan<byte> data);

/// <summary>
/// A telnet connection over one socket, shared by the RFC 2217 client and the simulator's server: a
/// reader task decodes the stream (data to a queue, negotiations answered here, subnegotiations to the
/// owner); writes are serialised so a command never lands inside escaped data.
/// </summary>
/// <remarks>
/// Option negotiation follows RFC 1143's rule that stops loops: answer a request only when it changes
/// the option's state, and never answer the reply to our own request. Options not in the accept lists
/// are refused (WONT/DONT) — ECHO in particular, which would send the device's bytes back to it.
/// </remarks>
internal sealed class TelnetSession : ITelnetReceiver, IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly string _name;
    private readonly HashSet<byte> _acceptLocal;
    private readonly HashSet<byte> _acceptRemote;
    private readonly SubnegotiationHandler _onSubnegotiation;
    private readonly DataHandler? _onData;
    private readonly TelnetDecoder _decoder = new();
    private readonly ByteQueue _data = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly Lock _gate = new();
    private readonly HashSet<byte> _local = [];
    private readonly HashSet<byte> _remote = [];
    private readonly HashSet<byte> _willSent = [];
    private readonly HashSet<byte> _doSent = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstBytes = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] _opening = new byte[64];
    private int _openingLength;
    private Task _reader = Task.CompletedTask;
    private int _disposed;

    /// <param name="onData">Where received data goes instead of the session's own queue (then <see cref="ReadAsync"/> is not used).</param>
    public TelnetSession(
        Socket socket, string name, IEnumerable<byte> acceptLocal, IEnumerable<byte> acceptRemote, SubnegotiationHandler onSubnegotiation,
        DataHandler? onData = null)
    {
        _onData = onData;
        _socket = socket;
        _socket.NoDelay = true;
        _name = name;
        _acceptLocal = [.. acceptLocal];
        _acceptRemote = [.. acceptRemote];
        _onSubnegotiation = onSubnegotiation;
    }

    /// <summary>Raised on the reader when an option is switched on or off: (option, local side?, enabled).</summary>
    public event Action<byte, bool, bool>? OptionChanged;

    /// <summary>Completes when the peer closed the connection or it failed.</summary>
    public Task Closed => _reader;

    public bool IsLocalEnabled(byte option)
    {
        lock (_gate)
        {
            return _local.Contains(option);
        }
    }

    /// <summary>Completes when the first bytes arrived from the peer (or the connection ended).</summary>
    public Task FirstBytes => _firstBytes.Task;

    /// <summary>Starts reading; with <paramref name="offer"/>, first asks for every accepted option (WILL local, DO remote).</summary>
    public async Task StartAsync(bool offer, CancellationToken cancellationToken)
    {
        _reader = Task.Run(ReadLoopAsync, CancellationToken.None);
        if (offer)
        {
            await OfferAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Asks for every accepted option: WILL for ours, DO for the peer's.</summary>
    public async Task OfferAsync(CancellationToken cancellationToken)
    {
        var requests = new ArrayBufferWriter<byte>();
        lock (_gate)
        {
            foreach (byte option in _acceptLocal.Order().Where(o => !_local.Contains(o)))
            {
                _willSent.Add(option);
                requests.Write(Telnet.Command(Telnet.Will, option));
            }

            foreach (byte option in _acceptRemote.Order().Where(o => !_remote.Contains(o)))
            {
                _doSent.Add(option);
                requests.Write(Telnet.Command(Telnet.Do, option));
            }
        }

        if (requests.WrittenCount > 0)
        {
            await SendRawAsync(requests.WrittenMemory, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for data; returns 0 once the connection is closed and every received byte was read.</summary>
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => _data.ReadAsync(buffer, cancellationToken);

    /// <summary>Sends <paramref name="data"/> as telnet data (0xFF doubled).</summary>
    public ValueTask WriteDataAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (data.Span.IndexOf(Telnet.Iac) < 0)
        {
            return SendRawAsync(data, cancellationToken);
        }

        var escaped = new ArrayBufferWriter<byte>(data.Length + 16);
        Telnet.Escape(data.Span, escaped);
        return SendRawAsync(escaped.WrittenMemory, cancellationToken);
    }

    /// <summary>Sends bytes as they are (commands, subnegotiations), never interleaved with another send.</summary>
    public async ValueTask SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _send.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (!bytes.IsEmpty)
            {
                int n = await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                bytes = bytes[n..];
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            throw Gone(e);
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>Drops data received but not read yet.</summary>
    public void ClearInput() => _data.Clear();

    public LinkException Gone(Exception? inner) => new(LinkFailure.Gone, _name, $"{_name} closed the connection.", inner);

    /// <summary>The first data bytes received (up to 64): what a server says before hanging up, e.g. ser2net's "Port already in use".</summary>
    public ReadOnlySpan<byte> Opening => _opening.AsSpan(0, Volatile.Read(ref _openingLength));

    public void OnData(ReadOnlySpan<byte> data)
    {
        int keep = Math.Min(data.Length, _opening.Length - _openingLength);
        if (keep > 0)
        {
            data[..keep].CopyTo(_opening.AsSpan(_openingLength));
            Volatile.Write(ref _openingLength, _openingLength + keep);
        }

        if (_onData is null)
        {
            _data.Write(data);
        }
        else
        {
            _onData(data);
        }
    }

    public void OnNegotiation(byte verb, byte option)
    {
        byte? reply = null;
        bool? changed = null;
        bool local = verb is Telnet.Do or Telnet.Dont;
        lock (_gate)
        {
            switch (verb)
            {
                case Telnet.Do when _acceptLocal.Contains(option):
                    if (_local.Add(option))
                    {
                        changed = true;
                        reply = _willSent.Remove(option) ? null : Telnet.Will;
                    }

                    break;
                case Telnet.Do:
                    reply = Telnet.Wont;
                    break;
                case Telnet.Dont:
                    _willSent.Remove(option);
                    if (_local.Remove(option))
                    {
                        changed = false;
                        reply = Telnet.Wont;
                    }

                    break;
                case Telnet.Will when _acceptRemote.Contains(option):
                    if (_remote.Add(option))
                    {
                        changed = true;
                        reply = _doSent.Remove(option) ? null : Telnet.Do;
                    }

                    break;
                case Telnet.Will:
                    reply = Telnet.Dont;
                    break;
                case Telnet.Wont:
                    _doSent.Remove(option);
                    if (_remote.Remove(option))
                    {
                        changed = false;
                        reply = Telnet.Dont;
                    }

                    break;
            }
        }

        if (reply is byte answer)
        {
            Reply(Telnet.Command(answer, option));
        }

        if (changed is bool enabled)
        {
            OptionChanged?.Invoke(option, local, enabled);
        }
        else if (verb is Telnet.Dont or Telnet.Wont)
        {
            // A refusal of something we asked for: the owner may be waiting for it.
            OptionChanged?.Invoke(option, local, false);
        }
    }

    public void OnSubnegotiation(byte option, ReadOnlySpan<byte> payload) => _onSubnegotiation(option, payload);

    /// <summary>Sends from the reader without waiting on it (a reply must not stall decoding); a failed send shows up as the connection closing.</summary>
    public void Reply(byte[] bytes) => _ = ReplyAsync(bytes);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed by the peer.
        }

        _socket.Dispose();
        await _reader.ConfigureAwait(false);
        _data.Close();
        _stop.Dispose();
    }

    private async Task ReplyAsync(byte[] bytes)
    {
        try
        {
            await SendRawAsync(bytes, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is LinkException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is going away; the reader will see it.
        }
    }

    private async Task ReadLoopAsync()
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                _decoder.Decode(buffer.AsSpan(0, n), this);
                _firstBytes.TrySetResult();
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Closed: by the peer, by us, or the network failed. Either way the stream has ended.
        }
        finally
        {
            _data.Close();
            _firstBytes.TrySetResult();
        }
    }
}
