using Station.Flashing.Errors;
using Station.Flashing.Loader;
using Station.Flashing.Tests.Support;
using Station.Protocol.Commands;
using Station.Protocol.Slip;
using Station.Protocol.Status;

namespace Station.Flashing.Tests.Loader;

public class LoaderClientTests
{
    [Fact]
    public async Task Execute_StaleFramesBeforeTheReply_AreSkipped()
    {
        await using var device = new ScriptedDevice(async (command, d) =>
        {
            await d.Reply(Opcode.Sync, 0x2012_0707, new byte[4]);   // a surplus SYNC reply
            await d.Raw([0x00, 0x01]);                              // too short to be a response
            await d.Ok(command, LoaderKind.Esp32Rom, value: 0x1234);
        });
        var client = new LoaderClient(device.Host, TimeProvider.System);

        var reply = await client.ExecuteAsync(Requests.ReadReg(0x6000_0014), 0, CommandTimeouts.Default, CancellationToken.None);

        Assert.Equal(0x1234u, reply.Value);
    }

    [Fact]
    public async Task Execute_DeviceError_CarriesTheDecodedDeviceError()
    {
        await using var device = new ScriptedDevice((command, d) => d.Fail(command, LoaderKind.Stub, (byte)StubErrorCode.BadBlockSize));
        var client = new LoaderClient(device.Host, TimeProvider.System, LoaderKind.Stub);

        var e = await Assert.ThrowsAsync<FlashException>(() => client.ExecuteAsync(Requests.FlashBegin(1, 1, 0x8000, 0), 0, CommandTimeouts.Default, CancellationToken.None));

        Assert.Equal("BadBlockSize", e.DeviceError!.Name);
        Assert.Equal(ErrorCodes.DeviceRejected, e.Error.Code);
    }

    [Fact]
    public async Task Execute_ReplyStopsMidFrame_TimesOutSayingSo()
    {
        await using var device = new ScriptedDevice((command, d) => d.Wire(0xC0, 0x01, 0x0A));
        var client = new LoaderClient(device.Host, TimeProvider.System);

        // Generous: the half frame must have arrived before the deadline even on a loaded CI machine.
        var e = await Assert.ThrowsAsync<FlashException>(() => client.ExecuteAsync(Requests.ReadReg(0), 0, TimeSpan.FromSeconds(2), CancellationToken.None));

        Assert.Equal(ErrorCodes.Timeout, e.Error.Code);
        Assert.Contains("stopped mid-packet", e.Error.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_NoReply_TimesOutNamingTheCommand()
    {
        await using var device = new ScriptedDevice((_, _) => Task.CompletedTask);
        var client = new LoaderClient(device.Host, TimeProvider.System);

        var e = await Assert.ThrowsAsync<FlashException>(() => client.ExecuteAsync(Requests.SpiFlashMd5(0, 16), 16, TimeSpan.FromMilliseconds(100), CancellationToken.None));

        Assert.Equal("no reply to 'compute flash MD5' within 0.1 s", e.Error.Cause);
    }

    [Theory]
    [InlineData("\r\nets Jun  8 2016 00:22:57\r\n\r\nrst:0xf (RTCWDT_BROWN_OUT_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n", "E-BROWNOUT", "0xf")]
    [InlineData("ESP-ROM:esp32c3-api1-20210207\r\nBuild:Feb  7 2021\r\nrst:0xf (BROWNOUT_RST),boot:0xc (SPI_FAST_FLASH_BOOT)\r\n", "E-BROWNOUT", "0xf")]
    [InlineData("\r\nets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n", "E-DEVICE-RESTARTED", "0x1")]
    [InlineData("\r\n ets Jan  8 2013,rst cause:2, boot mode:(3,6)\r\n", "E-DEVICE-RESTARTED", "2")]
    public async Task Execute_BannerInsteadOfTheReply_NamesTheRestartAndItsCause(string banner, string code, string cause)
    {
        await using var device = new ScriptedDevice((_, d) => d.Wire(System.Text.Encoding.ASCII.GetBytes(banner)));
        var client = new LoaderClient(device.Host, TimeProvider.System);

        var e = await Assert.ThrowsAsync<FlashException>(() => client.ExecuteAsync(Requests.FlashData(3, new byte[16]), 0, TimeSpan.FromMilliseconds(300), CancellationToken.None));

        Assert.Equal(code, e.Error.Code);
        Assert.Equal(cause, e.Error.Details["reset_cause"]);
        Assert.Contains("restarted during", e.Error.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_BannerBeforeTheCommand_IsNotBlamedOnIt()
    {
        // Boot text left over from the connect is old news: a later timeout is a plain timeout.
        bool first = true;
        await using var device = new ScriptedDevice(async (command, d) =>
        {
            if (first)
            {
                first = false;
                await d.Wire("rst:0xf (RTCWDT_BROWN_OUT_RESET),boot:0x13\r\n"u8.ToArray());
                await d.Ok(command, LoaderKind.Esp32Rom);
            }
        });
        var client = new LoaderClient(device.Host, TimeProvider.System);
        await client.ExecuteAsync(Requests.ReadReg(0), 0, TimeSpan.FromSeconds(2), CancellationToken.None);

        var e = await Assert.ThrowsAsync<FlashException>(() => client.ExecuteAsync(Requests.ReadReg(0), 0, TimeSpan.FromMilliseconds(200), CancellationToken.None));

        Assert.Equal(ErrorCodes.Timeout, e.Error.Code);
    }

    [Fact]
    public async Task SendFrame_EscapesPayload()
    {
        byte[]? seen = null;
        var pair = new Station.Transport.Memory.InMemoryLinkPair();
        var client = new LoaderClient(pair.Host, TimeProvider.System);

        await client.SendFrameAsync(new byte[] { 0xC0, 0x10, 0xDB }, CancellationToken.None);
        var buffer = new byte[16];
        int n = await pair.Device.ReadAsync(buffer, CancellationToken.None);
        seen = buffer[..n];

        Assert.Equal(SlipCodec.Encode([0xC0, 0x10, 0xDB]), seen);
    }

    [Theory]
    [InlineData(Opcode.FlashDeflData, 7u, 300)]
    [InlineData(Opcode.MemData, 0u, 0x1800)]
    [InlineData(Opcode.FlashData, 1u, 0)]
    public async Task SendData_AnyBlock_SendsExactlyTheFrameOfTheDataRequest(Opcode opcode, uint seq, int length)
    {
        byte[] block = new byte[length];
        new Random(length).NextBytes(block);
        block.AsSpan(0, Math.Min(4, length)).Fill(0xC0);
        var pair = new Station.Transport.Memory.InMemoryLinkPair();
        var client = new LoaderClient(pair.Host, TimeProvider.System);
        byte[] expected = SlipCodec.Encode(Requests.Data(opcode, seq, block).ToPacket());

        await client.SendDataAsync(opcode, seq, block, CancellationToken.None);
        var seen = new List<byte>();
        var buffer = new byte[64 * 1024];
        while (seen.Count < expected.Length)
        {
            int n = await pair.Device.ReadAsync(buffer, CancellationToken.None);
            seen.AddRange(buffer.AsSpan(0, n));
        }

        Assert.Equal(expected, seen);
    }
}
