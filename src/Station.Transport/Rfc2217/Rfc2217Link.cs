using System.Buffers;
using System.Net.Sockets;
using Station.Transport.Links;
using Station.Transport.Tcp;

namespace Station.Transport.Rfc2217;

/// <summary>
/// A serial port on the network, reached through an RFC 2217 server (<c>rfc2217://host:port</c>, e.g.
/// ser2net's <c>telnet(rfc2217)</c> accepter): data travels as telnet data (0xFF doubled), and the baud,
/// 8N1 framing, DTR and RTS and purges travel as COM-PORT-OPTION commands in the same stream, so they
/// reach the port in order with the data around them — which is what makes reset sequences work remotely.
/// </summary>
/// <remarks>
/// <para>Opening negotiates BINARY and SUPPRESS-GO-AHEAD both ways and COM-PORT-OPTION; a server that
/// refuses COM-PORT-OPTION (or never answers) is not an RFC 2217 port and the open fails with
/// <see cref="LinkFailure.BadAddress"/> (use <c>socket://</c> for a raw TCP port).</para>
/// <para>Opening also asks for the port's DTR state: only a server that can report it drives modem
/// lines (<see cref="Capabilities"/>).</para>
/// <para>Baud changes wait (briefly) for the server's answer, which carries the rate in effect.
/// DTR/RTS commands are not waited for: their order in the stream is what matters, and servers in
/// front of ports without modem lines (ser2net on a pty) never confirm them. What the server did
/// confirm is in <see cref="ConfirmedLines"/>.</para>
/// </remarks>
public sealed class Rfc2217Link : IByteLink
{
    public const string Scheme = "rfc2217://";

    /// <summary>How long to wait for the server to agree to COM-PORT-OPTION.</summary>
    public static readonly TimeSpan NegotiationTimeout = TimeSpan.FromSeconds(3);

    /// <summary>How long to let the server speak first before offering our options.</summary>
    public static readonly TimeSpan ServerFirstWait = TimeSpan.FromMilliseconds(200);

    /// <summary>After the server's first bytes, how long its busy answer may take to follow.</summary>
    public static readonly TimeSpan BusyAnswerWait = TimeSpan.FromMilliseconds(20);

    /// <summary>How long to wait for the server to confirm a baud.</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(1);

    private static readonly byte[] InUseAnswer = "Port already in use"u8.ToArray();

    private readonly TelnetSession _session;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource<bool> _comPort = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private TaskCompletionSource<int>? _baudAnswer;
    private TaskCompletionSource<byte>? _dtrStateAnswer;
    private bool _modemLines;
    private bool? _dtrConfirmed;
    private bool? _rtsConfirmed;

    private Rfc2217Link(Socket socket, string name, int baud, TimeProvider time)
    {
        Name = name;
        Baud = baud;
        _time = time;
        _session = new TelnetSession(socket, name,
            acceptLocal: [Telnet.Binary, Telnet.SuppressGoAhead, Telnet.ComPortOption],
            acceptRemote: [Telnet.Binary, Telnet.SuppressGoAhead],
            OnSubnegotiation);
        _session.OptionChanged += (option, local, enabled) =>
        {
            if (option == Telnet.ComPortOption && local)
            {
                _comPort.TrySetResult(enabled);
            }
        };
    }

    public string Name { get; }

    /// <summary>
    /// ModemLines is true when the server reported the port's DTR state at open: a server in front of a
    /// port without modem lines (ser2net on a pty) answers that query with "unknown" or not at all, and
    /// then resets cannot reach the board, just as on a local pty.
    /// </summary>
    public LinkCapabilities Capabilities => new(ModemLines: _modemLines, Baud: true);

    /// <summary>The baud the server confirmed last (or the one asked for, when it did not answer).</summary>
    public int Baud { get; private set; }

    /// <summary>The DTR/RTS state the server last reported in effect; null for a line it never confirmed.</summary>
    public (bool? Dtr, bool? Rts) ConfirmedLines
    {
        get
        {
            lock (_gate)
            {
                return (_dtrConfirmed, _rtsConfirmed);
            }
        }
    }

    /// <summary>What the server says it is (its SIGNATURE answer), once it sent one.</summary>
    public string? ServerSignature { get; private set; }

    /// <summary>
    /// Connects to <c>rfc2217://host:port</c>, negotiates the telnet options and sets the port to
    /// <paramref name="baud"/>, 8 data bits, no parity, 1 stop bit, no flow control.
    /// </summary>
    public static async Task<Rfc2217Link> ConnectAsync(string url, int baud, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(baud);
        var (host, port) = ParseUrl(url);
        var socket = await TcpLink.OpenSocketAsync(url, host, port, cancellationToken).ConfigureAwait(false);

        var link = new Rfc2217Link(socket, url, baud, time ?? TimeProvider.System);
        try
        {
            await link.OpenAsync(baud, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await link.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return link;
    }

    public static (string Host, int Port) ParseUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new LinkException(LinkFailure.BadAddress, url, $"'{url}' is not an rfc2217:// URL.");
        }

        try
        {
            return TcpLink.ParseUrl(TcpLink.Scheme + url[Scheme.Length..]);
        }
        catch (LinkException)
        {
            throw new LinkException(LinkFailure.BadAddress, url, $"'{url}' must look like rfc2217://HOST:PORT.");
        }
    }

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int n = await _session.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return n > 0 ? n : throw Closed();
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => _session.WriteDataAsync(data, cancellationToken);

    /// <summary>Sends SET-BAUDRATE and waits up to <see cref="AnswerTimeout"/> for the rate the server put in effect.</summary>
    public async ValueTask SetBaudAsync(int baud, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(baud);
        var answer = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _baudAnswer = answer;
        }

        await _session.SendRawAsync(ComPort.Baud(ComPort.SetBaudRate, baud), cancellationToken).ConfigureAwait(false);
        Baud = await AnswerAsync(answer.Task, cancellationToken).ConfigureAwait(false) is int confirmed and > 0 ? confirmed : baud;
    }

    /// <summary>DTR and/or RTS as SET-CONTROL commands, both in one send when both are given; no-op where the port has no modem lines.</summary>
    public ValueTask SetLinesAsync(bool? dtr, bool? rts, CancellationToken cancellationToken)
    {
        if (!_modemLines || (dtr is null && rts is null))
        {
            return ValueTask.CompletedTask;
        }

        var commands = new ArrayBufferWriter<byte>(16);
        if (dtr is bool d)
        {
            commands.Write(ComPort.Command(ComPort.SetControl, d ? ComPort.DtrOn : ComPort.DtrOff));
        }

        if (rts is bool r)
        {
            commands.Write(ComPort.Command(ComPort.SetControl, r ? ComPort.RtsOn : ComPort.RtsOff));
        }

        return _session.SendRawAsync(commands.WrittenMemory, cancellationToken);
    }

    /// <summary>Asks the server to drop what it received from the port and not yet sent, and drops what arrived here unread.</summary>
    public async ValueTask DiscardInputAsync(CancellationToken cancellationToken)
    {
        await _session.SendRawAsync(ComPort.Command(ComPort.PurgeData, ComPort.PurgeReceive), cancellationToken).ConfigureAwait(false);
        _session.ClearInput();
    }

    public ValueTask DisposeAsync() => _session.DisposeAsync();

    private async Task OpenAsync(int baud, CancellationToken cancellationToken)
    {
        // Telnet servers speak first (ser2net offers its options at once). Let them: one whose port another
        // client holds follows its offers with "Port already in use" and hangs up, and bytes sent to it
        // meanwhile would turn that hang-up into a reset that loses the text.
        await _session.StartAsync(offer: false, cancellationToken).ConfigureAwait(false);
        await AnswerAsync(FirstBytesAsync(), cancellationToken, ServerFirstWait).ConfigureAwait(false);
        if (_session.Closed.IsCompleted)
        {
            throw Closed();
        }

        await _session.OfferAsync(cancellationToken).ConfigureAwait(false);
        bool? agreed = await AnswerAsync(_comPort.Task, cancellationToken, NegotiationTimeout).ConfigureAwait(false);
        if (agreed != true && _session.Closed.IsCompleted)
        {
            throw Closed();
        }

        if (agreed != true)
        {
            throw new LinkException(LinkFailure.BadAddress, Name,
                $"{Name} {(agreed is null ? "did not answer" : "refused")} the RFC 2217 COM-PORT option: it is not an RFC 2217 port (for a raw TCP port use socket://).");
        }

        var setup = new ArrayBufferWriter<byte>(64);
        setup.Write(ComPort.Command(ComPort.Signature, ReadOnlySpan<byte>.Empty));
        setup.Write(ComPort.Command(ComPort.SetDataSize, 8));
        setup.Write(ComPort.Command(ComPort.SetParity, ComPort.ParityNone));
        setup.Write(ComPort.Command(ComPort.SetStopSize, ComPort.StopBits1));
        setup.Write(ComPort.Command(ComPort.SetControl, ComPort.NoFlowControl));
        await _session.SendRawAsync(setup.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await SetBaudAsync(baud, cancellationToken).ConfigureAwait(false);

        var dtrState = new TaskCompletionSource<byte>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _dtrStateAnswer = dtrState;
        }

        await _session.SendRawAsync(ComPort.Command(ComPort.SetControl, ComPort.RequestDtr), cancellationToken).ConfigureAwait(false);
        _modemLines = await AnswerAsync(dtrState.Task, cancellationToken).ConfigureAwait(false) is ComPort.DtrOn or ComPort.DtrOff;
        if (_session.Closed.IsCompleted)
        {
            // ser2net agrees to the options, says its port is taken, and hangs up.
            throw Closed();
        }
    }

    private async Task<bool> FirstBytesAsync()
    {
        await _session.FirstBytes.ConfigureAwait(false);

        // A busy answer follows the offers closely; give it a moment to arrive in the same read.
        if (!_session.Closed.IsCompleted)
        {
            await Task.WhenAny(_session.Closed, Task.Delay(BusyAnswerWait, _time)).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>The server hung up: a busy port when it said so first (ser2net), else the port went away.</summary>
    private LinkException Closed() =>
        _session.Opening.StartsWith(InUseAnswer)
            ? new LinkException(LinkFailure.Busy, Name, $"{Name} answered 'Port already in use' and closed the connection.")
            {
                Holder = "another client of the network serial server",
            }
            : _session.Gone(null);

    /// <summary>The task's result, or null when it does not complete within the timeout or the connection closes first.</summary>
    private async Task<T?> AnswerAsync<T>(Task<T> answer, CancellationToken cancellationToken, TimeSpan? timeout = null)
        where T : struct
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout ?? AnswerTimeout, _time, wait.Token);
        var first = await Task.WhenAny(answer, delay, _session.Closed).ConfigureAwait(false);
        await wait.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return first == answer ? await answer.ConfigureAwait(false) : null;
    }

    private void OnSubnegotiation(byte option, ReadOnlySpan<byte> payload)
    {
        if (option != Telnet.ComPortOption || payload.IsEmpty)
        {
            return;
        }

        ReadOnlySpan<byte> value = payload[1..];
        switch (payload[0] - ComPort.ServerOffset)
        {
            case ComPort.Signature:
                ServerSignature = System.Text.Encoding.ASCII.GetString(value);
                break;
            case ComPort.SetBaudRate when ComPort.ReadBaud(value) is int baud:
                TaskCompletionSource<int>? waiting;
                lock (_gate)
                {
                    waiting = _baudAnswer;
                    _baudAnswer = null;
                }

                waiting?.TrySetResult(baud);
                break;
            case ComPort.SetControl when value.Length == 1:
                TaskCompletionSource<byte>? stateQuery = null;
                lock (_gate)
                {
                    if (value[0] is ComPort.RequestDtr or ComPort.DtrOn or ComPort.DtrOff)
                    {
                        stateQuery = _dtrStateAnswer;
                        _dtrStateAnswer = null;
                    }

                    switch (value[0])
                    {
                        case ComPort.DtrOn or ComPort.DtrOff:
                            _dtrConfirmed = value[0] == ComPort.DtrOn;
                            break;
                        case ComPort.RtsOn or ComPort.RtsOff:
                            _rtsConfirmed = value[0] == ComPort.RtsOn;
                            break;
                    }
                }

                stateQuery?.TrySetResult(value[0]);
                break;
        }
    }
}
