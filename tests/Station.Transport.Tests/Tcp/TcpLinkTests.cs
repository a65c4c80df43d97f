using System.Net;
using System.Net.Sockets;
using System.Text;
using Station.Transport.Links;
using Station.Transport.Tcp;
using static Station.Transport.Tests.LinkReading;

namespace Station.Transport.Tests.Tcp;

public sealed class TcpLinkTests
{
    [Fact]
    public async Task TcpLink_AgainstALocalListener_CarriesBytesBothWays()
    {
        using var cts = Deadline();
        using var listener = Listen(out string url);
        var accepted = listener.AcceptSocketAsync(cts.Token).AsTask();
        await using var host = await TcpLink.ConnectAsync(url, 115200, cts.Token);
        await using var device = TcpLink.FromAccepted(await accepted, "device");
        byte[] request = Pattern(200_000, seed: 5);

        var received = device.ReadExactlyAsync(request.Length, cts.Token);
        await host.WriteAsync(request, cts.Token);
        SameBytes(request, await received);
        await device.WriteAsync("done"u8.ToArray(), cts.Token);

        Assert.Equal("done", Encoding.ASCII.GetString(await host.ReadExactlyAsync(4, cts.Token)));
        Assert.Equal(url, host.Name);
        Assert.Equal(new LinkCapabilities(ModemLines: false, Baud: false), host.Capabilities);
    }

    [Fact]
    public async Task ReadAsync_PeerCloses_FailsGone()
    {
        using var cts = Deadline();
        using var listener = Listen(out string url);
        var accepted = listener.AcceptSocketAsync(cts.Token).AsTask();
        await using var host = await TcpLink.ConnectAsync(url, 115200, cts.Token);
        var device = TcpLink.FromAccepted(await accepted, "device");
        var pending = host.ReadAsync(new byte[8], cts.Token).AsTask();

        await device.DisposeAsync();

        var e = await Assert.ThrowsAsync<LinkException>(() => pending);
        Assert.Equal(LinkFailure.Gone, e.Failure);
        Assert.Equal(url, e.Port);
    }

    [Theory]
    [InlineData("Port already in use\r\n", LinkFailure.Busy)]
    [InlineData("Port already in use", LinkFailure.Busy)]
    [InlineData("ets Jun  8 2016 00:22:57\r\n", LinkFailure.Gone)]
    [InlineData("Port already", LinkFailure.Gone)]
    public async Task ReadAsync_ServerAnswersAndCloses_InUseAnswerIsBusyAnythingElseIsGone(string answer, LinkFailure expected)
    {
        // ser2net's answer when another client has its port: the station must say "busy", not "unplugged".
        using var cts = Deadline();
        using var listener = Listen(out string url);
        var accepted = listener.AcceptSocketAsync(cts.Token).AsTask();
        await using var host = await TcpLink.ConnectAsync(url, 115200, cts.Token);
        var device = TcpLink.FromAccepted(await accepted, "device");
        await device.WriteAsync(Encoding.ASCII.GetBytes(answer), cts.Token);
        await device.DisposeAsync();

        var e = await Assert.ThrowsAsync<LinkException>(async () =>
        {
            while (true)
            {
                await host.ReadAsync(new byte[4], cts.Token);
            }
        });

        Assert.Equal(expected, e.Failure);
        Assert.Equal(expected == LinkFailure.Busy ? "another client of the network serial server" : null, e.Holder);
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:3333")]
    [InlineData("socket://127.0.0.1")]
    [InlineData("socket://127.0.0.1:0")]
    [InlineData("socket://127.0.0.1:65536")]
    [InlineData("socket://127.0.0.1:port")]
    [InlineData("socket://:3333")]
    public void ParseUrl_Malformed_FailsBadAddress(string url)
    {
        var e = Assert.Throws<LinkException>(() => TcpLink.ParseUrl(url));

        Assert.Equal(LinkFailure.BadAddress, e.Failure);
        Assert.Equal(url, e.Port);
    }

    [Theory]
    [InlineData("socket://localhost:3333", "localhost", 3333)]
    [InlineData("socket://[::1]:4000/", "::1", 4000)]
    [InlineData("SOCKET://10.0.0.7:65535", "10.0.0.7", 65535)]
    public void ParseUrl_WellFormed_GivesHostAndPort(string url, string host, int port)
    {
        Assert.Equal((host, port), TcpLink.ParseUrl(url));
    }

    [Fact]
    public async Task ConnectAsync_NobodyListening_FailsUnreachable()
    {
        string url;
        using (Listen(out url))
        {
            // Closed again at once: the port was free a moment ago and nothing listens on it now.
        }

        var e = await Assert.ThrowsAsync<LinkException>(() => TcpLink.ConnectAsync(url, 115200, CancellationToken.None));

        Assert.Equal(LinkFailure.Unreachable, e.Failure);
        Assert.Equal(url, e.Port);
    }

    [Fact]
    public async Task LinkFactory_UnknownScheme_FailsBadAddress()
    {
        var e = await Assert.ThrowsAsync<LinkException>(() => LinkFactory.Default().OpenAsync("ftp://port", 115200, CancellationToken.None));

        Assert.Equal(LinkFailure.BadAddress, e.Failure);
    }

    private static TcpListener Listen(out string url)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        url = $"socket://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        return listener;
    }
}
