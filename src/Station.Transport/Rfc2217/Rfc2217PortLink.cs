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
    private LineState _lines;
    private int? _hostBaud;

    private Rfc2217PortLink(Socket socket, string name, string signature)
    {
        Name = name;
        Signature = signature;
        _session = new TelnetSession(socket, name,
            acceptLocal: [Telnet.Binary, Telnet.SuppressGoAhead, Telnet.ComPortOption],
            acceptRemote: [Telnet.Binary, Telnet.SuppressGoAhead, Telnet.ComPortOption],
            OnSubnegotiation);
    }

    public event Action<LineState>? LinesChanged;

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

    /// <summary>The baud the client last set; null until it set one.</summary>
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

    /// <summary>Offers the options and starts reading.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => _session.StartAsync(offer: true, cancellationToken);

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int n = await _session.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return n > 0 ? n : throw _session.Gone(null);
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
        _session.ClearInput();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _session.DisposeAsync();

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

        if (changed)
        {
            LinesChanged?.Invoke(now);
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
