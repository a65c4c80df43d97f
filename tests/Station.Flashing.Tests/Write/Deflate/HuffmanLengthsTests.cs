using Station.Flashing.Write.Deflate;

namespace Station.Flashing.Tests.Write.Deflate;

public class HuffmanLengthsTests
{
    public static TheoryData<string, int> Adversarial() => new()
    {
        { "fibonacci-286", 15 },
        { "fibonacci-30", 15 },
        { "fibonacci-19", 7 },
        { "powers-of-two-286", 15 },
        { "one-huge-many-ones-286", 15 },
        { "powers-of-two-19", 7 },
    };

    [Theory]
    [MemberData(nameof(Adversarial))]
    public void Build_AdversarialFrequencies_StaysWithinLimitAndIsComplete(string name, int maxBits)
    {
        int[] frequencies = Frequencies(name);
        byte[] lengths = new byte[frequencies.Length];

        HuffmanLengths.Build(frequencies, maxBits, lengths);

        Assert.All(lengths, l => Assert.InRange(l, 0, maxBits));
        Assert.All(Enumerable.Range(0, frequencies.Length), s => Assert.Equal(frequencies[s] > 0, lengths[s] > 0));
        Assert.Equal(1L << maxBits, KraftTimes2ToThe(lengths, maxBits));
    }

    [Theory]
    [InlineData(1, 286, 15)]
    [InlineData(2, 30, 15)]
    [InlineData(3, 19, 7)]
    [InlineData(4, 2, 15)]
    public void Build_WhenTheLimitDoesNotBind_CostsTheSameAsPlainHuffman(int seed, int symbols, int maxBits)
    {
        var random = new Random(seed);
        int[] frequencies = Enumerable.Range(0, symbols).Select(_ => random.Next(4) == 0 ? 0 : random.Next(1, 1000)).ToArray();
        frequencies[0] = Math.Max(frequencies[0], 1);
        frequencies[^1] = Math.Max(frequencies[^1], 1);
        byte[] lengths = new byte[symbols];

        HuffmanLengths.Build(frequencies, maxBits, lengths);

        long cost = frequencies.Select((f, s) => (long)f * lengths[s]).Sum();
        Assert.Equal(PlainHuffmanCost(frequencies), cost);
    }

    [Fact]
    public void Build_OneSymbol_GetsLengthOne()
    {
        byte[] lengths = new byte[30];

        HuffmanLengths.Build(Enumerable.Range(0, 30).Select(s => s == 7 ? 5 : 0).ToArray(), 15, lengths);

        Assert.Equal(Enumerable.Range(0, 30).Select(s => s == 7 ? (byte)1 : (byte)0), lengths);
    }

    [Fact]
    public void Codes_Lengths_AreAPrefixFreeCanonicalCode()
    {
        byte[] lengths = [3, 3, 3, 3, 3, 2, 4, 4];
        ushort[] codes = new ushort[lengths.Length];

        HuffmanLengths.Codes(lengths, codes);

        // RFC 1951 section 3.2.2's example, bit-reversed for the LSB-first stream.
        ushort[] expected = [0b010, 0b011, 0b100, 0b101, 0b110, 0b00, 0b1110, 0b1111];
        Assert.Equal(expected.Select((c, s) => Reverse(c, lengths[s])), codes);
    }

    [Fact]
    public void DynamicCode_NoMatches_StillDefinesTwoDistanceCodesAndEndOfBlock()
    {
        var histogram = SymbolHistogram.Of([(uint)'a', (uint)'b', (uint)'a']);

        var code = DynamicCode.Build(histogram);

        Assert.Equal([1, 1], code.DistanceLengths.Where(l => l > 0).Select(l => (int)l));
        Assert.True(code.LitLenLengths[256] > 0);
    }

    private static int[] Frequencies(string name)
    {
        int symbols = int.Parse(name[(name.LastIndexOf('-') + 1)..]);
        var frequencies = new int[symbols];
        for (int s = 0; s < symbols; s++)
        {
            frequencies[s] = name switch
            {
                // Fibonacci counts give the deepest unrestricted trees; they overflow int past 46 terms, so cap there.
                _ when name.StartsWith("fibonacci", StringComparison.Ordinal) => Fibonacci(Math.Min(s, 45)),
                _ when name.StartsWith("powers-of-two", StringComparison.Ordinal) => 1 << Math.Min(s, 30),
                _ => s == 0 ? int.MaxValue / 2 : 1,
            };
        }

        return frequencies;
    }

    private static int Fibonacci(int n)
    {
        int a = 1;
        int b = 1;
        for (int i = 0; i < n; i++)
        {
            (a, b) = (b, a + b);
        }

        return a;
    }

    private static long KraftTimes2ToThe(byte[] lengths, int maxBits) => lengths.Where(l => l > 0).Sum(l => 1L << (maxBits - l));

    private static long PlainHuffmanCost(int[] frequencies)
    {
        var queue = new PriorityQueue<long, long>();
        foreach (int f in frequencies.Where(f => f > 0))
        {
            queue.Enqueue(f, f);
        }

        long cost = 0;
        while (queue.Count > 1)
        {
            long merged = queue.Dequeue() + queue.Dequeue();
            cost += merged;
            queue.Enqueue(merged, merged);
        }

        return cost;
    }

    private static ushort Reverse(int code, int length)
    {
        int reversed = 0;
        for (int i = 0; i < length; i++)
        {
            reversed = (reversed << 1) | ((code >> i) & 1);
        }

        return (ushort)reversed;
    }
}
