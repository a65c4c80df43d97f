using System.Text;
using Station.Transport.Links;
using Station.Transport.Memory;
using static Station.Transport.Tests.LinkReading;

namespace Station.Transport.Tests.Memory;

public sealed class InMemoryLinkPairTests
{
    [Fact]
    public async Task InMemoryLinkPair_BytesBothWays_ArriveInOrder()
    {
        using var cts = Deadline();
        var pair = new InMemoryLinkPair();
        byte[] toDevice = Pattern(100_000, seed: 3);
        byte[] toHost = Pattern(100_000, seed: 4);

        var deviceReceived = pair.Device.ReadExactlyAsync(toDevice.Length, cts.Token);
        var hostReceived = pair.Host.ReadExactlyAsync(toHost.Length, cts.Token);
        for (int offset = 0; offset < toDevice.Length; offset += 7_000)
        {
            await pair.Host.WriteAsync(toDevice.AsMemory(offset, Math.Min(7_000, toDevice.Length - offset)), cts.Token);
            await pair.Device.WriteAsync(toHost.AsMemory(offset, Math.Min(7_000, toHost.Length - offset)), cts.Token);
        }

        SameBytes(toDevice, await deviceReceived);
        SameBytes(toHost, await hostReceived);
    }

    [Fact]
    public async Task DiscardInputAsync_OnEitherEnd_DropsOnlyWhatThatEndHadNotRead()
    {
        using var cts = Deadline();
        var pair = new InMemoryLinkPair();
        await pair.Device.WriteAsync("noise"u8.ToArray(), cts.Token);
        await pair.Host.WriteAsync("stale"u8.ToArray(), cts.Token);

        await pair.Host.DiscardInputAsync(cts.Token);
        await pair.Device.DiscardInputAsync(cts.Token);
        await pair.Device.WriteAsync("reply"u8.ToArray(), cts.Token);
        await pair.Host.WriteAsync("sync"u8.ToArray(), cts.Token);

        Assert.Equal("reply", Encoding.ASCII.GetString(await pair.Host.ReadExactlyAsync(5, cts.Token)));
        Assert.Equal("sync", Encoding.ASCII.GetString(await pair.Device.ReadExactlyAsync(4, cts.Token)));
    }

    [Fact]
    public async Task Unplug_WithReadsPending_BothEndsFailGone()
    {
        using var cts = Deadline();
        var pair = new InMemoryLinkPair("mem://slot3");
        var hostRead = pair.Host.ReadAsync(new byte[4], cts.Token).AsTask();
        var deviceRead = pair.Device.ReadAsync(new byte[4], cts.Token).AsTask();

        pair.Unplug();

        Assert.Equal(LinkFailure.Gone, (await Assert.ThrowsAsync<LinkException>(() => hostRead)).Failure);
        Assert.Equal(LinkFailure.Gone, (await Assert.ThrowsAsync<LinkException>(() => deviceRead)).Failure);
        var write = await Assert.ThrowsAsync<LinkException>(() => pair.Host.WriteAsync(new byte[1], cts.Token).AsTask());
        Assert.Equal(LinkFailure.Gone, write.Failure);
        Assert.Equal("mem://slot3", write.Port);
        Assert.Equal(LinkFailure.Gone, (await Assert.ThrowsAsync<LinkException>(() => pair.Device.WriteAsync(new byte[1], cts.Token).AsTask())).Failure);
        Assert.Equal(LinkFailure.Gone, (await Assert.ThrowsAsync<LinkException>(() => pair.Host.SetLinesAsync(true, null, cts.Token).AsTask())).Failure);
    }

    [Fact]
    public async Task SetLinesAsync_HostChangesLines_DeviceSeesEachChange()
    {
        var pair = new InMemoryLinkPair();
        var seen = new List<LineState>();
        pair.Device.LinesChanged += seen.Add;

        await pair.Host.SetLinesAsync(true, null, CancellationToken.None);
        await pair.Host.SetLinesAsync(null, true, CancellationToken.None);
        await pair.Host.SetLinesAsync(false, false, CancellationToken.None);
        await pair.Host.SetLinesAsync(null, true, CancellationToken.None);

        Assert.Equal(
            [new(Dtr: true, Rts: false), new(Dtr: true, Rts: true), new(Dtr: false, Rts: false), new(Dtr: false, Rts: true)],
            seen);
        Assert.Equal(new LineState(Dtr: false, Rts: true), pair.Device.Lines);
        Assert.True(pair.Host.Capabilities.ModemLines);
    }

    [Fact]
    public async Task SetBaudAsync_OnTheHost_IsTheDevicesHostBaud()
    {
        var pair = new InMemoryLinkPair(initialBaud: 115200);
        Assert.Equal(115200, pair.Device.HostBaud);

        await pair.Host.SetBaudAsync(921600, CancellationToken.None);

        Assert.Equal(921600, pair.Host.Baud);
        Assert.Equal(921600, pair.Device.HostBaud);
        Assert.Equal(921600, pair.Device.Baud);
    }

    [Fact]
    public async Task ReadAsync_Cancelled_ThrowsAndTheNextReadGetsTheBytes()
    {
        using var cts = Deadline();
        var pair = new InMemoryLinkPair();
        using var cancel = new CancellationTokenSource();
        var pending = pair.Host.ReadAsync(new byte[4], cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        await pair.Device.WriteAsync("ok"u8.ToArray(), cts.Token);
        Assert.Equal("ok", Encoding.ASCII.GetString(await pair.Host.ReadExactlyAsync(2, cts.Token)));
    }
}
