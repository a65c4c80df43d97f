using Station.Protocol.Slip;
using Station.Testing.Fuzz;

namespace Station.Protocol.Tests.Fuzz;

/// <summary>The SLIP decoder fed random and damaged bytes: it never throws, never stalls, and finds the next good frame.</summary>
public class SlipDecoderFuzzTests
{
    private const int Iterations = 3000;

    [Fact]
    public void Next_RandomBytesInRandomChunks_NeverThrowsAndAlwaysConsumesInput()
    {
        FuzzCases.Run(1001, Iterations, random => new Stream(random.Next(8, 80), random.Next(0, 64), Wire.Noise(random, 2048), random.Next()), input =>
        {
            var decoder = new SlipDecoder(input.MaxFrameLength, input.NoiseCapacity);
            Decode(decoder, input.Bytes, new Random(input.ChunkSeed));
            Assert.Equal(Math.Min(input.NoiseCapacity, decoder.NoiseCount), decoder.Noise().Length);
        }, Describe);
    }

    [Fact]
    public void Next_SameBytesChunkedDifferently_GiveTheSameFrames()
    {
        FuzzCases.Run(1002, Iterations, random => new Stream(random.Next(8, 80), 16, MixedTraffic(random), random.Next()), input =>
        {
            var whole = new SlipDecoder(input.MaxFrameLength, input.NoiseCapacity);
            var wholeTokens = Decode(whole, input.Bytes, chunking: null);
            var chunked = new SlipDecoder(input.MaxFrameLength, input.NoiseCapacity);
            var chunkedTokens = Decode(chunked, input.Bytes, new Random(input.ChunkSeed));

            Assert.Equal(wholeTokens.Select(t => (t.Token, Hex.Of(t.Frame))), chunkedTokens.Select(t => (t.Token, Hex.Of(t.Frame))));
            Assert.Equal(whole.NoiseCount, chunked.NoiseCount);
            Assert.Equal(whole.Noise(), chunked.Noise());
            Assert.Equal(whole.InFrame, chunked.InFrame);
        }, Describe);
    }

    [Fact]
    public void Next_GarbageThenAValidFrameSentTwice_DecodesTheValidFrame()
    {
        // A frame that starts while the decoder is inside a broken one is lost with it (esptool's reader
        // loses it too); the copy after it must always come through intact.
        FuzzCases.Run(1003, Iterations, random =>
        {
            byte[] payload = Payload(random, 1 + random.Next(300));
            byte[] framed = SlipCodec.Encode(payload);
            byte[] garbage = random.Next(2) == 0 ? Wire.Noise(random, 600) : Wire.Mutate(random, SlipCodec.Encode(Payload(random, random.Next(200))));
            return new Recovery(payload, [.. garbage, .. framed, .. framed], random.Next());
        }, input =>
        {
            var decoder = new SlipDecoder();
            var tokens = Decode(decoder, input.Bytes, new Random(input.ChunkSeed));

            var (lastToken, lastFrame) = tokens[^1];
            Assert.Equal(SlipToken.Frame, lastToken);
            Assert.Equal(input.Payload, lastFrame);
            Assert.False(decoder.InFrame);
        }, input => $"payload {Hex.Of(input.Payload)}, stream {Hex.Of(input.Bytes)}");
    }

    [Fact]
    public void Next_FramesLongerThanTheBound_AreDroppedAndTheNextFrameDecodes()
    {
        FuzzCases.Run(1004, 300, random =>
        {
            int max = random.Next(8, 4096);
            byte[] oversized = Payload(random, max + 1 + random.Next(4096));
            byte[] payload = Payload(random, 1 + random.Next(max));
            return new Oversized(max, payload, [.. SlipCodec.Encode(oversized), .. SlipCodec.Encode(payload)], random.Next());
        }, input =>
        {
            var decoder = new SlipDecoder(input.MaxFrameLength);
            var tokens = Decode(decoder, input.Bytes, new Random(input.ChunkSeed));

            Assert.Equal([SlipToken.FrameTooLong, SlipToken.Frame], tokens.Select(t => t.Token));
            Assert.Equal(input.Payload, tokens[1].Frame);
        }, input => $"max {input.MaxFrameLength}, payload {Hex.Of(input.Payload)}, stream of {input.Bytes.Length} bytes");
    }

    /// <summary>Feeds the bytes (whole, or in random chunks) and returns every event; checks progress on each call.</summary>
    private static List<(SlipToken Token, byte[] Frame)> Decode(SlipDecoder decoder, byte[] bytes, Random? chunking)
    {
        var tokens = new List<(SlipToken, byte[])>();
        List<ArraySegment<byte>> chunks = chunking is null ? [new(bytes)] : Wire.Chunks(chunking, bytes);
        foreach (var chunk in chunks)
        {
            ReadOnlySpan<byte> input = chunk;
            while (true)
            {
                int before = input.Length;
                var token = decoder.Next(ref input);
                if (token == SlipToken.NeedMoreInput)
                {
                    Assert.True(input.IsEmpty, "NeedMoreInput returned with input left");
                    break;
                }

                if (input.Length >= before)
                {
                    Assert.Fail($"{token} returned without consuming a byte");
                }

                byte[] frame = token == SlipToken.Frame ? decoder.Frame.ToArray() : [];
                if (token == SlipToken.Frame)
                {
                    Assert.InRange(frame.Length, 1, decoder.MaxFrameLength);
                }

                tokens.Add((token, frame));
            }
        }

        return tokens;
    }

    /// <summary>Good frames, damaged frames and noise, interleaved.</summary>
    private static byte[] MixedTraffic(Random random)
    {
        var bytes = new List<byte>();
        int parts = random.Next(1, 8);
        for (int i = 0; i < parts; i++)
        {
            byte[] framed = SlipCodec.Encode(Payload(random, random.Next(120)));
            bytes.AddRange(random.Next(3) switch { 0 => framed, 1 => Wire.Mutate(random, framed), _ => Wire.Noise(random, 64) });
        }

        return [.. bytes];
    }

    /// <summary>Frame contents where a quarter of the bytes need escaping.</summary>
    private static byte[] Payload(Random random, int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = random.Next(4) == 0 ? (random.Next(2) == 0 ? SlipCodec.End : SlipCodec.Escape) : (byte)random.Next(256);
        }

        return bytes;
    }

    private static string Describe(Stream input) =>
        $"maxFrameLength {input.MaxFrameLength}, noiseCapacity {input.NoiseCapacity}, chunk seed {input.ChunkSeed}, bytes {Hex.Of(input.Bytes)}";

    private sealed record Stream(int MaxFrameLength, int NoiseCapacity, byte[] Bytes, int ChunkSeed);

    private sealed record Recovery(byte[] Payload, byte[] Bytes, int ChunkSeed);

    private sealed record Oversized(int MaxFrameLength, byte[] Payload, byte[] Bytes, int ChunkSeed);
}
