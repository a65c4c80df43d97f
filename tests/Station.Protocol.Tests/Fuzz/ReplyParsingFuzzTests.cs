using System.Buffers.Binary;
using Station.Protocol.Commands;
using Station.Protocol.Status;
using Station.Testing.Fuzz;

namespace Station.Protocol.Tests.Fuzz;

/// <summary>
/// The parsers behind every reply: response header, status bytes, MD5 result, and the request parser the
/// simulator uses. Fed any bytes they return a value or throw <see cref="ProtocolException"/>, nothing else.
/// </summary>
public class ReplyParsingFuzzTests
{
    private const int Iterations = 5000;

    /// <summary>The result lengths the flashing code asks for: none, security info (S2, S3+), MD5 (stub, ROM), READ_FLASH_SLOW.</summary>
    private static readonly int[] ResultLengths = [0, 12, 16, 20, 32, 64];

    private static readonly LoaderKind[] Kinds = [LoaderKind.Esp8266Rom, LoaderKind.Esp32Rom, LoaderKind.Stub];

    [Fact]
    public void ResponseTryParse_AnyFrame_NeverThrowsAndKeepsEveryDataByte()
    {
        FuzzCases.Run(2001, Iterations, random => random.Next(2) == 0 ? Wire.Noise(random, 64) : Wire.Mutate(random, ValidReplyPacket(random)), frame =>
        {
            if (Response.TryParse(frame, out var response))
            {
                Assert.Equal(Response.Direction, frame[0]);
                Assert.Equal(frame[1], (byte)response.Opcode);
                Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(4)), response.Value);
                Assert.Equal(frame[Response.HeaderLength..], response.Data.ToArray());
            }
            else
            {
                Assert.True(frame.Length < Response.HeaderLength || frame[0] != Response.Direction);
            }
        }, frame => Hex.Of(frame));
    }

    [Fact]
    public void DeviceStatusRead_AnyData_ReturnsOrThrowsMalformedResponse()
    {
        FuzzCases.Run(2002, Iterations, random => new StatusCase(Wire.Noise(random, 80), ResultLengths[random.Next(ResultLengths.Length)], Kinds[random.Next(Kinds.Length)]), input =>
        {
            try
            {
                var status = DeviceStatus.Read(input.Data, input.ResultLength, input.Kind);
                Assert.True(input.Data.Length >= 2, "a status was read from fewer than two bytes");
                if (input.Kind == LoaderKind.Stub)
                {
                    Assert.Equal(status.Code != 0, status.Failed);
                }
            }
            catch (ProtocolException e)
            {
                Assert.Equal(ProtocolFault.MalformedResponse, e.Fault);
            }
        }, input => $"{input.Kind}, result length {input.ResultLength}, data {Hex.Of(input.Data)}");
    }

    [Fact]
    public void DeviceStatusRead_StatusAfterTheResultOrAloneOnFailure_IsReadRight()
    {
        FuzzCases.Run(2003, Iterations, random =>
        {
            var kind = Kinds[random.Next(Kinds.Length)];
            int resultLength = ResultLengths[random.Next(ResultLengths.Length)];
            byte code = random.Next(3) == 0 ? (byte)0 : (byte)random.Next(1, 256);
            byte[] result = new byte[resultLength];
            random.NextBytes(result);

            // A failing loader may send its status with no result at all.
            bool alone = code != 0 && random.Next(2) == 0;
            return new StatusReply(kind, resultLength, code, alone ? DeviceStatus.Encode(kind, code) : [.. result, .. DeviceStatus.Encode(kind, code)]);
        }, input =>
        {
            var status = DeviceStatus.Read(input.Data, input.ResultLength, input.Kind);

            Assert.Equal(input.Code != 0, status.Failed);
            Assert.Equal(input.Code, status.Code);
        }, input => $"{input.Kind}, result length {input.ResultLength}, code 0x{input.Code:X2}, data {Hex.Of(input.Data)}");
    }

    [Fact]
    public void Md5ReplyToHex_AnyResult_ReturnsLowerHexOrThrowsMalformedResponse()
    {
        FuzzCases.Run(2004, Iterations, random =>
        {
            bool stub = random.Next(2) == 0;
            byte[] result = random.Next(3) == 0
                ? Wire.Noise(random, 40)
                : System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, random.Next(28, 36)).Select(_ => "0123456789abcdefABCDEFg\0 "[random.Next(25)])));
            return (Stub: stub, Result: result);
        }, input =>
        {
            try
            {
                string hex = Md5Reply.ToHex(input.Result, input.Stub);
                Assert.Equal(32, hex.Length);
                Assert.True(hex.All(char.IsAsciiHexDigitLower), hex);
            }
            catch (ProtocolException e)
            {
                Assert.Equal(ProtocolFault.MalformedResponse, e.Fault);
            }
        }, input => $"stub {input.Stub}, result {Hex.Of(input.Result)}");
    }

    [Fact]
    public void CommandTryParse_AnyFrame_NeverThrowsAndReportsTheDeclaredSize()
    {
        FuzzCases.Run(2005, Iterations, random =>
        {
            byte[] data = new byte[random.Next(40)];
            random.NextBytes(data);
            byte[] packet = new Command((Opcode)random.Next(256), data, (uint)random.Next()).ToPacket();
            return random.Next(4) == 0 ? Wire.Noise(random, 24) : Wire.Mutate(random, packet);
        }, frame =>
        {
            if (Command.TryParse(frame, out var command))
            {
                Assert.Equal(frame.Length - Command.HeaderLength, command.Data.Length);
                Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(frame.AsSpan(2)), Command.DeclaredSize(frame));
            }
            else if (frame.Length < 4)
            {
                // A frame too short to hold the size field: a typed protocol error, not an index error.
                var e = Assert.Throws<ProtocolException>(() => Command.DeclaredSize(frame));
                Assert.Equal(ProtocolFault.MalformedRequest, e.Fault);
            }
        }, frame => Hex.Of(frame));
    }

    [Theory]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("00 05 10")]
    public void CommandDeclaredSize_FrameShorterThanTheSizeField_IsAMalformedRequest(string hex)
    {
        var e = Assert.Throws<ProtocolException>(() => Command.DeclaredSize(Hex.Bytes(hex)));

        Assert.Equal(ProtocolFault.MalformedRequest, e.Fault);
    }

    /// <summary>A well-formed reply packet with a random opcode, value, result and status.</summary>
    private static byte[] ValidReplyPacket(Random random)
    {
        var kind = Kinds[random.Next(Kinds.Length)];
        byte[] result = new byte[ResultLengths[random.Next(ResultLengths.Length)]];
        random.NextBytes(result);
        byte code = random.Next(2) == 0 ? (byte)0 : (byte)random.Next(256);
        return Response.Build((Opcode)random.Next(256), (uint)random.Next(), [.. result, .. DeviceStatus.Encode(kind, code)]);
    }

    private sealed record StatusCase(byte[] Data, int ResultLength, LoaderKind Kind);

    private sealed record StatusReply(LoaderKind Kind, int ResultLength, byte Code, byte[] Data);
}
