using System.Net;
using System.Net.Sockets;
using Station.Transport.Links;
using Station.Transport.Reset;
using Station.Transport.Rfc2217;
using Station.Transport.Tests.Reset;
using static Station.Transport.Tests.LinkReading;

namespace Station.Transport.Tests.Rfc2217;

/// <summary>The RFC 2217 client against the port end the simulator serves, over a real loopback socket.</summary>
public sealed class Rfc2217LinkTests
{
    [Fact]
    public async Task ConnectAsync_NegotiatesAndSetsTheBaudThePortConfirms()
    {
        using var cts = Deadline();
        await using var pair = await Pair.StartAsync(460800, cts.Token);

        Assert.Equal(460800, pair.Port.HostBaud);
        Assert.Equal(460800, pair.Client.Baud);
        Assert.Equal(new LinkCapabilities(ModemLines: true, Baud: true), pair.Client.Capabilities);
        Assert.Equal("Station simulator", pair.Client.ServerSignature);
        // 8 data bits, no parity, 1 stop bit, no flow control, the baud, then the DTR state query.
        Assert.Equal(["0:", "2:08", "3:01", "4:01", "5:01", "1:00070800", "5:07"], pair.Commands.Take(7));
    }

    [Fact]
    public async Task SetBaudAsync_Later_ReachesThePort()
    {
        using var cts = Deadline();
        await using var pair = await Pair.StartAsync(115200, cts.Token);

        await pair.Client.SetBaudAsync(2000000, cts.Token);

        Assert.Equal(2000000, pair.Port.HostBaud);
        Assert.Equal(2000000, pair.Client.Baud);
    }

    [Fact]
    public async Task Data_EveryByteValueBothWays_ArrivesUnchanged()
    {
        using var cts = Deadline();
        await using var pair = await Pair.StartAsync(115200, cts.Token);
        byte[] all = [.. Enumerable.Range(0, 256).Select(i => (byte)i), 0xFF, 0xFF, 0xFF, .. Pattern(64 * 1024, seed: 3)];

        await pair.Client.WriteAsync(all, cts.Token);
        SameBytes(all, await pair.Port.ReadExactlyAsync(all.Length, cts.Token));

        await pair.Port.WriteAsync(all, cts.Token);
        SameBytes(all, await pair.Client.ReadExactlyAsync(all.Length, cts.Token));
    }

    [Fact]
    public async Task ClassicReset_EveryLineChangeReachesThePortInOrder()
    {
        using var cts = Deadline();
        await using var pair = await Pair.StartAsync(115200, cts.Token);
        var changes = pair.ExpectLineChanges(4);

        await new ClassicReset(ResetStrategies.DefaultDelay).ResetAsync(pair.Client, new InstantTimeProvider(_ => { }), cts.Token);

        // EN low (RTS alone), IO0 low as EN is released (DTR alone), then both released.
        Assert.Equal(
            [new LineState(Dtr: false, Rts: true), new LineState(true, true), new LineState(true, false), new LineState(false, false)],
            await changes.WaitAsync(cts.Token));
    }

    [Fact]
    public async Task SetLinesAsync_BothLines_ArriveTogetherAndTheServerConfirmsThem()
    {
        using var cts = Deadline();
        await using var pair = await Pair.StartAsync(115200, cts.Token);
        var changes = pair.ExpectLineChanges(2);

        await pair.Client.SetLinesAsync(true, true, cts.Token);

        Assert.Equal([new LineState(true, false), new LineState(true, true)], await changes.WaitAsync(cts.Token));
        // The confirmations travel with the data: once an echo of later data is back, they are in.
        await pair.Client.WriteAsync("x"u8.ToArray(), cts.Token);
        await pair.Port.WriteAsync(await pair.Port.ReadExactlyAsync(1, cts.Token), cts.Token);
        await pair.Client.ReadExactlyAsync(1, cts.Token);
        Assert.Equal((true, true), pair.Client.ConfirmedLines);
    }

    [Fact]
    public async Task DiscardInputAsync_AsksThePortToPurgeItsReceiveBuffer()
    {
        using var cts = Deadline();
        await using var pair = await Pair.StartAsync(115200, cts.Token);
        var purge = pair.ExpectCommand(ComPort.PurgeData);

        await pair.Client.DiscardInputAsync(cts.Token);

        byte[] value = await purge.WaitAsync(cts.Token);
        Assert.Equal(new[] { ComPort.PurgeReceive }, value);
    }

    [Fact]
    public async Task ReadAsync_PortClosesTheConnection_FailsGone()
    {
        using var cts = Deadline();
        await using var pair = await Pair.StartAsync(115200, cts.Token);
        var pending = pair.Client.ReadAsync(new byte[8], cts.Token).AsTask();

        await pair.Port.DisposeAsync();

        var e = await Assert.ThrowsAsync<LinkException>(() => pending);
        Assert.Equal(LinkFailure.Gone, e.Failure);
    }

    [Fact]
    public async Task ConnectAsync_ServerRefusesComPortOption_FailsBadAddressPointingAtSocketUrls()
    {
        using var cts = Deadline();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync(cts.Token);
            await socket.SendAsync(Telnet.Command(Telnet.Dont, Telnet.ComPortOption), cts.Token);
            await socket.ReceiveAsync(new byte[64], cts.Token);
            while (await socket.ReceiveAsync(new byte[64], cts.Token) > 0)
            {
            }
        });
        string url = $"rfc2217://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

        var e = await Assert.ThrowsAsync<LinkException>(() => Rfc2217Link.ConnectAsync(url, 115200, cts.Token));

        Assert.Equal(LinkFailure.BadAddress, e.Failure);
        Assert.Contains("refused the RFC 2217 COM-PORT option", e.Message);
        Assert.Contains("socket://", e.Message);
        await server;
    }

    [Fact]
    public async Task ConnectAsync_SilentServer_GivesUpAfterTheNegotiationTimeout()
    {
        using var cts = Deadline();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = listener.AcceptSocketAsync(cts.Token).AsTask();
        var delays = new List<TimeSpan>();
        string url = $"rfc2217://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

        var e = await Assert.ThrowsAsync<LinkException>(() =>
            Rfc2217Link.ConnectAsync(url, 115200, cts.Token, new InstantTimeProvider(d => { lock (delays) { delays.Add(d); } })));

        Assert.Contains("did not answer", e.Message);
        Assert.Contains(Rfc2217Link.NegotiationTimeout, delays);
        (await accepted).Dispose();
    }

    [Fact]
    public async Task ConnectAsync_ServerCannotTellTheDtrState_NoModemLinesAndNoLineCommandsSent()
    {
        // Like ser2net in front of a pty: it answers the DTR query with the query itself ("unknown").
        using var cts = Deadline();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = Task.Run(() => PtyLikeServerAsync(listener, cts.Token));
        await using var link = await Rfc2217Link.ConnectAsync($"rfc2217://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}", 115200, cts.Token);

        await link.SetLinesAsync(true, true, cts.Token);
        await new ClassicReset(ResetStrategies.DefaultDelay).ResetAsync(link, new InstantTimeProvider(_ => { }), cts.Token);
        await link.WriteAsync("x"u8.ToArray(), cts.Token);

        byte[] controls = await server;
        Assert.False(link.Capabilities.ModemLines);
        Assert.Equal(new[] { ComPort.NoFlowControl, ComPort.RequestDtr }, controls);
    }

    [Fact]
    public async Task ConnectAsync_Ser2netPortTakenByAnotherClient_FailsBusyNotGone()
    {
        // What ser2net 4.3 sends a second client: its option offers, the text, then it hangs up.
        using var cts = Deadline();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync(cts.Token);
            byte[] answer = [.. Convert.FromHexString("FFFB03FFFD03FFFB01FFFE01FFFD00FFFB00FFFD2C"), .. "Port already in use\r\n"u8];
            await socket.SendAsync(answer, cts.Token);
            socket.Shutdown(SocketShutdown.Send);
            // Read what the client sends until it hangs up: closing with unread bytes would reset the connection.
            while (await socket.ReceiveAsync(new byte[256], cts.Token) > 0)
            {
            }
        });
        string url = $"rfc2217://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

        var e = await Assert.ThrowsAsync<LinkException>(() => Rfc2217Link.ConnectAsync(url, 115200, cts.Token));

        Assert.True(e.Failure == LinkFailure.Busy, e.Message);
        Assert.Equal("another client of the network serial server", e.Holder);
        await server;
    }

    [Theory]
    [InlineData("rfc2217://host")]
    [InlineData("rfc2217://:4000")]
    [InlineData("socket://host:4000")]
    public void ParseUrl_Malformed_FailsBadAddress(string url)
    {
        var e = Assert.Throws<LinkException>(() => Rfc2217Link.ParseUrl(url));

        Assert.Equal(LinkFailure.BadAddress, e.Failure);
    }

    [Fact]
    public async Task LinkFactory_Rfc2217Url_OpensAnRfc2217Link()
    {
        using var cts = Deadline();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = Task.Run(async () => await Rfc2217PortLink.AcceptAsync(await listener.AcceptSocketAsync(cts.Token), "port", cts.Token));

        await using var link = await LinkFactory.Default().OpenAsync($"RFC2217://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}", 230400, cts.Token);

        Assert.IsType<Rfc2217Link>(link);
        await using var served = await port;
        Assert.Equal(230400, served.HostBaud);
    }

    /// <summary>
    /// Agrees to COM-PORT-OPTION, confirms bauds, answers SET-CONTROL queries with the query (state
    /// unknown) and confirms nothing else; returns the SET-CONTROL values received before the first data byte.
    /// </summary>
    private static async Task<byte[]> PtyLikeServerAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        using var socket = await listener.AcceptSocketAsync(cancellationToken);
        var receiver = new ServerSide(socket);
        await socket.SendAsync(Telnet.Command(Telnet.Do, Telnet.ComPortOption), cancellationToken);
        var decoder = new TelnetDecoder();
        byte[] buffer = new byte[1024];
        while (!receiver.SawData)
        {
            int n = await socket.ReceiveAsync(buffer, cancellationToken);
            Assert.True(n > 0, "the client closed before sending data");
            decoder.Decode(buffer.AsSpan(0, n), receiver);
        }

        return [.. receiver.Controls];
    }

    private sealed class ServerSide(Socket socket) : ITelnetReceiver
    {
        public List<byte> Controls { get; } = [];

        public bool SawData { get; private set; }

        public void OnData(ReadOnlySpan<byte> data) => SawData = true;

        public void OnNegotiation(byte verb, byte option)
        {
        }

        public void OnSubnegotiation(byte option, ReadOnlySpan<byte> payload)
        {
            if (payload.Length == 5 && payload[0] == ComPort.SetBaudRate)
            {
                socket.Send(ComPort.Command(ComPort.SetBaudRate + ComPort.ServerOffset, payload[1..]));
            }
            else if (payload.Length == 2 && payload[0] == ComPort.SetControl)
            {
                Controls.Add(payload[1]);
                if (payload[1] is ComPort.RequestDtr or ComPort.RequestRts or ComPort.NoFlowControl)
                {
                    socket.Send(ComPort.Command(ComPort.SetControl + ComPort.ServerOffset, payload[1]));
                }
            }
        }
    }

    /// <summary>A client connected to a port end over loopback, with what the port end saw.</summary>
    private sealed class Pair : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly List<LineState> _lines = [];
        private readonly List<(byte Command, byte[] Value)> _commands = [];
        private Action? _check;

        private Pair(TcpListener listener, Rfc2217PortLink port)
        {
            _listener = listener;
            Port = port;
            Port.LinesChanged += OnLines;
            Port.CommandReceived += OnCommand;
        }

        public Rfc2217Link Client { get; private set; } = null!;

        public Rfc2217PortLink Port { get; }

        /// <summary>"command:value-hex" in arrival order.</summary>
        public List<string> Commands
        {
            get
            {
                lock (_commands)
                {
                    return [.. _commands.Select(c => $"{c.Command}:{Convert.ToHexString(c.Value)}")];
                }
            }
        }

        public static async Task<Pair> StartAsync(int baud, CancellationToken cancellationToken)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var accepting = listener.AcceptSocketAsync(cancellationToken).AsTask();
            var connecting = Rfc2217Link.ConnectAsync($"rfc2217://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}", baud, cancellationToken);
            // The port's handlers are attached before it reads its first byte.
            var pair = new Pair(listener, Rfc2217PortLink.Create(await accepting, "port"));
            await pair.Port.StartAsync(cancellationToken);
            pair.Client = await connecting;
            return pair;
        }

        public Task<LineState[]> ExpectLineChanges(int count)
        {
            var done = new TaskCompletionSource<LineState[]>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lines)
            {
                _lines.Clear();
                _check = () =>
                {
                    if (_lines.Count >= count)
                    {
                        done.TrySetResult([.. _lines]);
                    }
                };
            }

            return done.Task;
        }

        public Task<byte[]> ExpectCommand(byte command)
        {
            var done = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
            Port.CommandReceived += (c, value) =>
            {
                if (c == command)
                {
                    done.TrySetResult(value);
                }
            };
            return done.Task;
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Port.DisposeAsync();
            _listener.Dispose();
        }

        private void OnLines(LineState state)
        {
            lock (_lines)
            {
                _lines.Add(state);
                _check?.Invoke();
            }
        }

        private void OnCommand(byte command, byte[] value)
        {
            lock (_commands)
            {
                _commands.Add((command, value));
            }
        }
    }
}
