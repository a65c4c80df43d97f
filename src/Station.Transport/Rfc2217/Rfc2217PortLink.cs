using System.Net.Sockets;
using Station.Transport.Links;

namespace Station.Transport.Rfc2217;

/// <summary>
/// The port end of an RFC 2217 connection, as an access server presents it to the device behind it:
/// the client's data, and its baud, DTR and RTS as <see cref="IHostSignals"/> — so a simulated device
/// on the other side of the network sees reset sequences exactly as it would on a USB bridge. Every
/// COM-PORT command is answered with the value in effect, as RFC 2217 asks.
/// </summary>
public sealed class Rfc2217PortLink : IByteLink, IHostSignals
{
    private readonly TelnetSession _session;
    private readonly Lock _gate = new();
    private readonly Queue<(byte[] Data, int? Baud)> _received = new();
    private int _headOffset;
    private TaskCompletionSource? _waiter;
    private bool _closed;
    private LineState _lines;
    private int? _hostBaud;
    private int? _readBaud;

    private Rfc2217PortLink(Socket socket, string name, string signature)
    {
        Name = name;
        Signature = signature;
        _session = new TelnetSession(socket, name,
            acceptLocal: [Telnet.Binary, Telnet.SuppressGoAhead, Telnet.ComPortOption],
            acceptRemote: [Telnet.Binary, Telnet.SuppressGoAhead, Telnet.ComPortOption],
            OnSubnegotiation,
            OnData);
    }

    private Action<LineState>? _linesChanged;
    private CancellationToken? _startWhenWatched;
    private int _started;

    /// <summary>Raised on the connection's reader when the client changed DTR or RTS.</summary>
    public event Action<LineState>? LinesChanged
    {
        add
        {
            CancellationToken? start;
            lock (_gate)
            {
                _linesChanged += value;
                start = _startWhenWatched;
                _startWhenWatched = null;
            }

            if (start is { } token)
            {
                _ = StartQuietlyAsync(token);
            }
        }

        remove
        {
            lock (_gate)
            {
                _linesChanged -= value;
            }
        }
    }

    public string Name { get; }

    /// <summary>What the server answers a SIGNATURE query with.</summary>
    public string Signature { get; }

    /// <summary>The device end does not drive lines; its baud is the host's (see <see cref="HostBaud"/>).</summary>
    public LinkCapabilities Capabilities => new(ModemLines: false, Baud: false);

    public int Baud => HostBaud ?? 115200;

    public LineState Lines
    {
        get
        {
            lock (_gate)
            {
                return _lines;
            }
        }
    }

    /// <summary>The baud the client set last (for what the device sends now); null until it set one.</summary>
    public int? HostBaud
    {
        get
        {
            lock (_gate)
            {
                return _hostBaud;
            }
        }
    }

    /// <summary>
    /// The client's baud for the bytes the device read last: a SET-BAUDRATE applies to the data after it
    /// in the stream, so bytes sent before a change keep the rate they were sent at even when read after it.
    /// </summary>
    public int? HostBaudOfLastRead
    {
        get
        {
            lock (_gate)
            {
                return _readBaud ?? _hostBaud;
            }
        }
    }

    /// <summary>Every COM-PORT command the client sent, in order, as (command, value) — for tests and logs.</summary>
    public event Action<byte, byte[]>? CommandReceived;

    /// <summary>Serves an accepted connection: offers the options and reads until the client leaves.</summary>
    public static async Task<Rfc2217PortLink> AcceptAsync(Socket socket, string name, CancellationToken cancellationToken, string signature = "Station simulator")
    {
        var link = Create(socket, name, signature);
        await link.StartAsync(cancellationToken).ConfigureAwait(false);
        return link;
    }

    /// <summary>Wraps an accepted connection without reading yet, so handlers can be attached before the first command arrives.</summary>
    public static Rfc2217PortLink Create(Socket socket, string name, string signature = "Station simulator") => new(socket, name, signature);

    /// <summary>
    /// Starts (as <see cref="StartAsync"/>) once something subscribes to <see cref="LinesChanged"/>: a
    /// device attached after the connection was accepted then sees every line change the client makes,
    /// including a reset sent the moment it connected.
    /// </summary>
    public void StartWhenWatched(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_linesChanged is null)
            {
                _startWhenWatched = cancellationToken;
                return;
            }
        }

        _ = StartQuietlyAsync(cancellationToken);
    }

    /// <summary>Offers the options and starts reading (once; later calls do nothing).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return;
        }

        await _session.StartAsync(offer: true, cancellationToken).ConfigureAwait(false);
        _ = _session.Closed.ContinueWith(_ => Wake(close: true), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_received.Count > 0)
                {
                    // Never across a baud change: the device sees each byte with the rate it was sent at.
                    var (data, baud) = _received.Peek();
                    int n = Math.Min(buffer.Length, data.Length - _headOffset);
                    data.AsSpan(_headOffset, n).CopyTo(buffer.Span);
                    _headOffset += n;
                    _readBaud = baud;
                    if (_headOffset == data.Length)
                    {
                        _received.Dequeue();
                        _headOffset = 0;
                    }

                    return n;
                }

                if (_closed)
                {
                    throw _session.Gone(null);
                }

                _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _waiter.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => _session.WriteDataAsync(data, cancellationToken);

    /// <summary>No-op: the baud belongs to the client.</summary>
    public ValueTask SetBaudAsync(int baud, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(baud);
        return ValueTask.CompletedTask;
    }

    /// <summary>No-op: the lines belong to the client.</summary>
    public ValueTask SetLinesAsync(bool? dtr, bool? rts, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Drops what the client sent and the device has not read yet.</summary>
    public ValueTask DiscardInputAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _received.Clear();
            _headOffset = 0;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _session.DisposeAsync();

    /// <summary>A start nobody awaits: a client already gone shows up as the connection closing.</summary>
    private async Task StartQuietlyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is LinkException or OperationCanceledException)
        {
            Wake(close: true);
        }
    }

    private void OnData(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            _received.Enqueue((data.ToArray(), _hostBaud));
        }

        Wake(close: false);
    }

    private void Wake(bool close)
    {
        TaskCompletionSource? wake;
        lock (_gate)
        {
            _closed |= close;
            wake = _waiter;
            _waiter = null;
        }

        wake?.TrySetResult();
    }

    private void OnSubnegotiation(byte option, ReadOnlySpan<byte> payload)
    {
        if (option != Telnet.ComPortOption || payload.IsEmpty || payload[0] >= ComPort.ServerOffset)
        {
            return;
        }

        byte command = payload[0];
        ReadOnlySpan<byte> value = payload[1..];
        CommandReceived?.Invoke(command, value.ToArray());
        byte answer = (byte)(command + ComPort.ServerOffset);
        switch (command)
        {
            case ComPort.Signature:
                _session.Reply(ComPort.Command(answer, System.Text.Encoding.ASCII.GetBytes(Signature)));
                break;
            case ComPort.SetBaudRate when ComPort.ReadBaud(value) is int baud:
                lock (_gate)
                {
                    if (baud > 0)
                    {
                        _hostBaud = baud;
                    }

                    baud = _hostBaud ?? 115200;
                }

                _session.Reply(ComPort.Baud(answer, baud));
                break;
            case ComPort.SetDataSize or ComPort.SetParity or ComPort.SetStopSize when value.Length == 1:
                // Always 8N1 here; a query (0) is answered with that.
                byte framing = value[0] != 0 ? value[0] : command == ComPort.SetDataSize ? (byte)8 : (byte)1;
                _session.Reply(ComPort.Command(answer, framing));
                break;
            case ComPort.SetControl when value.Length == 1:
                _session.Reply(ComPort.Command(answer, Control(value[0])));
                break;
            case ComPort.PurgeData when value.Length == 1:
                // The server's own receive buffer is the device's output, which goes straight to the socket: nothing to drop.
                _session.Reply(ComPort.Command(answer, value[0]));
                break;
            case ComPort.SetLineStateMask or ComPort.SetModemStateMask when value.Length == 1:
                _session.Reply(ComPort.Command(answer, value[0]));
                break;
        }
    }

    /// <summary>Applies a SET-CONTROL value (raising <see cref="LinesChanged"/> when DTR or RTS changed) and returns the value to answer with.</summary>
    private byte Control(byte value)
    {
        LineState now;
        bool changed;
        lock (_gate)
        {
            var next = value switch
            {
                ComPort.DtrOn => _lines with { Dtr = true },
                ComPort.DtrOff => _lines with { Dtr = false },
                ComPort.RtsOn => _lines with { Rts = true },
                ComPort.RtsOff => _lines with { Rts = false },
                _ => _lines,
            };
            changed = next != _lines;
            _lines = next;
            now = next;
        }

        Action<LineState>? handlers;
        lock (_gate)
        {
            handlers = _linesChanged;
        }

        if (changed)
        {
            handlers?.Invoke(now);
        }

        return value switch
        {
            ComPort.RequestDtr => now.Dtr ? ComPort.DtrOn : ComPort.DtrOff,
            ComPort.RequestRts => now.Rts ? ComPort.RtsOn : ComPort.RtsOff,
            0 => ComPort.NoFlowControl,
            _ => value,
        };
    }
}
