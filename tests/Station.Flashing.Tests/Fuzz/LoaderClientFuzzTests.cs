using System.Text;
using Station.Flashing.Errors;
using Station.Flashing.Loader;
using Station.Protocol.Commands;
using Station.Protocol.Slip;
using Station.Protocol.Status;
using Station.Testing.Fuzz;

namespace Station.Flashing.Tests.Fuzz;

/// <summary>
/// The loader client reading hostile replies: damaged frames, stale frames, noise, oversized frames and a
/// device that never stops talking. Only <see cref="FlashException"/> with a wire-level code may come out,
/// every read ends by its timeout, and a good reply after garbage is still found.
/// </summary>
public class LoaderClientFuzzTests
{
    private const int Iterations = 1500;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private static readonly Opcode[] Opcodes = [.. Enum.GetValues<Opcode>().Where(op => op != Opcode.RunUserCode)];

    private static readonly int[] ResultLengths = [0, 12, 16, 20, 32, 64];

    private static readonly LoaderKind[] Kinds = [LoaderKind.Esp8266Rom, LoaderKind.Esp32Rom, LoaderKind.Stub];

    /// <summary>What a reply read can legitimately fail with: the link, the framing, or the device's own status.</summary>
    private static readonly HashSet<string> WireCodes =
    [
        ErrorCodes.Protocol, ErrorCodes.Timeout, ErrorCodes.LinkCorrupt, ErrorCodes.FlashWrite, ErrorCodes.FlashRead, ErrorCodes.Deflate, ErrorCodes.DeviceRejected,
    ];

    [Fact]
    public async Task Execute_DamagedReplies_EndInAReplyOrAWireError()
    {
        await FuzzCases.RunAsync(3001, Iterations, random =>
        {
            var exchange = Exchange.Random(random);
            var stream = new List<byte>();
            if (random.Next(3) == 0)
            {
                stream.AddRange(Wire.Noise(random, 200));
            }

            if (random.Next(3) == 0)
            {
                stream.AddRange(SlipCodec.Encode(Response.Build(Opcode.Sync, 0x2012_0707, DeviceStatus.Encode(exchange.Kind, 0))));
            }

            stream.AddRange(Wire.Mutate(random, SlipCodec.Encode(exchange.ReplyPacket(random))));
            if (random.Next(2) == 0)
            {
                stream.AddRange(Wire.Mutate(random, SlipCodec.Encode(exchange.ReplyPacket(random))));
            }

            return new Case(exchange, [.. stream], random.Next());
        }, async input =>
        {
            var (client, _) = Client(input);
            try
            {
                var reply = await client.ExecuteAsync(input.Exchange.Command, input.Exchange.ResultLength, Timeout, CancellationToken.None);
                Assert.True(reply.Result.Length <= input.Exchange.ResultLength);
            }
            catch (FlashException e)
            {
                Assert.Contains(e.Error.Code, WireCodes);
            }
        }, Describe);
    }

    [Fact]
    public async Task Execute_GarbageThenTheReplyTwice_ReturnsTheReply()
    {
        await FuzzCases.RunAsync(3002, Iterations, random =>
        {
            var exchange = Exchange.Random(random) with { Code = 0 };
            byte[] garbage = Garbage(random, exchange);
            byte[] framed = SlipCodec.Encode(exchange.ReplyPacket(random, exact: true));
            return new Case(exchange, [.. garbage, .. framed, .. framed], random.Next());
        }, async input =>
        {
            var (client, _) = Client(input);

            var reply = await client.ExecuteAsync(input.Exchange.Command, input.Exchange.ResultLength, Timeout, CancellationToken.None);

            Assert.Equal(input.Exchange.Value, reply.Value);
            Assert.Equal(input.Exchange.Result, reply.Result.ToArray());
        }, Describe);
    }

    [Theory]
    [InlineData("log")]
    [InlineData("binary")]
    [InlineData("oversized")]
    public async Task Execute_DeviceTalksWithoutEnd_TimesOutInsteadOfReadingForever(string chatter)
    {
        // A board running its application can print faster than the client reads; the read must still end at its timeout.
        byte[] endless = chatter switch
        {
            "log" => Encoding.ASCII.GetBytes("I (1234) app: still running\r\n"),
            "binary" => [0xDB, 0xDC, 0x01, 0x00, 0xFF],
            _ => [SlipCodec.End, .. Enumerable.Repeat((byte)'A', BlockSizes.StubMaxDataField + 0x200)],   // frames too long to keep
        };
        var clock = new ManualClock();
        var client = new LoaderClient(new ScriptedLink(clock, [], endless), clock);

        var e = await Assert.ThrowsAsync<FlashException>(() => client.ExecuteAsync(Requests.ReadReg(0), 0, Timeout, CancellationToken.None))
            .WaitAsync(FuzzCases.CaseTimeout);

        Assert.Equal(ErrorCodes.Timeout, e.Error.Code);
    }

    [Fact]
    public async Task Execute_DeviceSendsOtherRepliesWithoutEnd_StopsAfterTheFrameBound()
    {
        var clock = new ManualClock();
        var link = new ScriptedLink(clock, [], SlipCodec.Encode(Response.Build(Opcode.Sync, 0, [0, 0, 0, 0])));
        var client = new LoaderClient(link, clock);

        var e = await Assert.ThrowsAsync<FlashException>(() => client.ExecuteAsync(Requests.ReadReg(0), 0, Timeout, CancellationToken.None))
            .WaitAsync(FuzzCases.CaseTimeout);

        Assert.Equal(ErrorCodes.Protocol, e.Error.Code);
    }

    /// <summary>Noise, damaged stale replies and now and then an oversized frame, none of which can read as the awaited reply.</summary>
    private static byte[] Garbage(Random random, Exchange exchange)
    {
        var garbage = new List<byte>(Wire.Noise(random, 300));
        int stale = random.Next(4);
        for (int i = 0; i < stale; i++)
        {
            var other = Exchange.Random(random);
            garbage.AddRange(Wire.Mutate(random, SlipCodec.Encode(other.ReplyPacket(random))));
        }

        if (random.Next(20) == 0)
        {
            // Longer than the client's frame bound, never closed by a delimiter.
            garbage.Add(SlipCodec.End);
            garbage.AddRange(Enumerable.Range(0, BlockSizes.StubMaxDataField + 0x200).Select(_ => (byte)random.Next(0x100 - 0x40)));
        }

        // Without the awaited opcode's byte no frame in the garbage can pass for the reply
        // (escapes only ever decode to C0 or DB, which are no opcode).
        byte op = (byte)exchange.Command.Opcode;
        return [.. garbage.Select(b => b == op ? (byte)(op ^ 0x80) : b)];
    }

    private static (LoaderClient Client, ScriptedLink Link) Client(Case input)
    {
        var clock = new ManualClock();
        var link = new ScriptedLink(clock, Wire.Chunks(new Random(input.ChunkSeed), input.Stream));
        return (new LoaderClient(link, clock, input.Exchange.Kind), link);
    }

    private static string Describe(Case input) =>
        $"{input.Exchange.Kind} {input.Exchange.Command.Opcode} result length {input.Exchange.ResultLength}, chunk seed {input.ChunkSeed}, stream {Convert.ToHexStringLower(input.Stream)}";

    private sealed record Case(Exchange Exchange, byte[] Stream, int ChunkSeed);

    /// <summary>One command and the reply a device of <see cref="Kind"/> would give it.</summary>
    private sealed record Exchange(LoaderKind Kind, Command Command, int ResultLength, uint Value, byte[] Result, byte Code)
    {
        public static Exchange Random(Random random)
        {
            var op = Opcodes[random.Next(Opcodes.Length)];
            byte[] data = new byte[random.Next(24)];
            random.NextBytes(data);
            int resultLength = ResultLengths[random.Next(ResultLengths.Length)];
            byte[] result = new byte[resultLength];
            random.NextBytes(result);
            byte code = random.Next(2) == 0 ? (byte)0 : (byte)random.Next(256);
            return new Exchange(Kinds[random.Next(Kinds.Length)], new Command(op, data), resultLength, (uint)random.Next(), result, code);
        }

        /// <summary>The reply; unless <paramref name="exact"/>, the result may be short, long or missing and the status misplaced.</summary>
        public byte[] ReplyPacket(Random random, bool exact = false)
        {
            byte[] status = DeviceStatus.Encode(Kind, Code);
            byte[] data = exact ? [.. Result, .. status] : (random.Next(6)) switch
            {
                0 => status,
                1 => [.. Result.AsSpan(0, random.Next(Result.Length + 1)), .. status],
                2 => [.. Result, .. status, .. new byte[random.Next(1, 8)]],
                3 => [.. status, .. Result],
                _ => [.. Result, .. status],
            };
            return Response.Build(Command.Opcode, Value, data);
        }
    }
}
