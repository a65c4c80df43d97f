using System.Runtime.CompilerServices;

namespace Station.Flashing.Write.Deflate;

/// <summary>
/// Chooses where to end blocks in a parse: a new block (new Huffman codes, a new header) pays when the symbol
/// statistics on either side differ enough. Each block's best split point is found by a narrowing grid search,
/// sizes being the exact encoded sizes of each side's statistics; the split saving most is made first, then
/// its halves are considered in turn, until no split saves anything or the block limit is reached.
/// </summary>
internal sealed class BlockSplitter
{
    /// <summary>Symbols between stored running histograms.</summary>
    private const int Stride = 256;

    /// <summary>Points evaluated per round of the search.</summary>
    private const int Probes = 9;

    private const int Columns = DeflateCodes.LitLenSymbols + DeflateCodes.DistanceSymbols;

    private readonly uint[] _symbols;
    private readonly int _minSymbols;

    /// <summary>Histogram of symbols [0, k × Stride) for each k, lit/len then distance counts.</summary>
    private readonly int[] _running;
    private readonly CancellationToken _cancellationToken;

    private BlockSplitter(uint[] symbols, int minSymbols, CancellationToken cancellationToken)
    {
        _symbols = symbols;
        _minSymbols = minSymbols;
        _cancellationToken = cancellationToken;
        int rows = (symbols.Length / Stride) + 1;
        _running = new int[rows * Columns];
        var histogram = new SymbolHistogram();
        for (int row = 1; row < rows; row++)
        {
            histogram.Add(symbols.AsSpan((row - 1) * Stride, Stride), 1);
            Span<int> target = _running.AsSpan(row * Columns, Columns);
            histogram.LitLen.AsSpan(0, DeflateCodes.LitLenSymbols).CopyTo(target);
            histogram.Distance.CopyTo(target[DeflateCodes.LitLenSymbols..]);
        }
    }

    /// <summary>
    /// Symbol indices at which new blocks start, ascending. Blocks have at least <paramref name="minSymbols"/> symbols
    /// and there are at most <paramref name="maxBlocks"/> of them, which bounds the work on any input.
    /// </summary>
    public static List<int> Split(uint[] symbols, int minSymbols, int maxBlocks, CancellationToken cancellationToken)
    {
        var splitter = new BlockSplitter(symbols, minSymbols, cancellationToken);
        var candidates = new List<Candidate> { splitter.Evaluate(0, symbols.Length, splitter.Cost(0, symbols.Length)) };
        var points = new List<int>();

        // Best gain first, so a cap on the block count keeps the splits that matter most.
        while (points.Count < maxBlocks - 1)
        {
            int pick = -1;
            for (int i = 0; i < candidates.Count; i++)
            {
                if (candidates[i].Gain > 0 && (pick < 0 || candidates[i].Gain > candidates[pick].Gain))
                {
                    pick = i;
                }
            }

            if (pick < 0)
            {
                break;
            }

            var split = candidates[pick];
            candidates.RemoveAt(pick);
            points.Add(split.At);
            candidates.Add(splitter.Evaluate(split.From, split.At, split.LeftBits));
            candidates.Add(splitter.Evaluate(split.At, split.To, split.RightBits));
        }

        points.Sort();
        return points;
    }

    /// <summary>The best split of [from, to) and what it saves against <paramref name="whole"/> bits (0 when it does not pay).</summary>
    private Candidate Evaluate(int from, int to, long whole)
    {
        if (to - from < 2 * _minSymbols)
        {
            return new Candidate(from, to, from, 0, 0, 0);
        }

        _cancellationToken.ThrowIfCancellationRequested();
        int at = FindBest(from, to, out long left, out long right);
        return new Candidate(from, to, at, Math.Max(0, whole - left - right), left, right);
    }

    /// <summary>
    /// Narrowing grid search for the split of [from, to) with the smallest total: probe evenly spaced points,
    /// keep the interval around the best, repeat while that improves.
    /// </summary>
    private int FindBest(int from, int to, out long leftBits, out long rightBits)
    {
        int lo = from + _minSymbols;
        int hi = to - _minSymbols;
        int best = (lo + hi) / 2;
        leftBits = Cost(from, best);
        rightBits = Cost(best, to);
        long bestTotal = leftBits + rightBits;
        Span<int> probes = stackalloc int[Probes];
        while (hi - lo > Probes)
        {
            int roundBest = -1;
            long roundTotal = long.MaxValue;
            long roundLeft = 0;
            long roundRight = 0;
            for (int i = 0; i < Probes; i++)
            {
                probes[i] = lo + (int)((long)(hi - lo) * (i + 1) / (Probes + 1));
                long left = Cost(from, probes[i]);
                long right = Cost(probes[i], to);
                if (left + right < roundTotal)
                {
                    roundTotal = left + right;
                    roundBest = i;
                    roundLeft = left;
                    roundRight = right;
                }
            }

            if (roundTotal >= bestTotal)
            {
                break;
            }

            best = probes[roundBest];
            bestTotal = roundTotal;
            leftBits = roundLeft;
            rightBits = roundRight;
            lo = roundBest == 0 ? lo : probes[roundBest - 1];
            hi = roundBest == Probes - 1 ? hi : probes[roundBest + 1];
        }

        return best;
    }

    /// <summary>Estimated bits of symbols [from, to) as one block: the smaller of a dynamic and a fixed block.</summary>
    private long Cost(int from, int to)
    {
        var histogram = Histogram(from, to);
        return Math.Min(DynamicCode.Build(histogram).Bits, BlockEncoder.FixedBits(histogram));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SymbolHistogram Histogram(int from, int to)
    {
        var histogram = new SymbolHistogram();
        int fromRow = from / Stride;
        int toRow = to / Stride;
        ReadOnlySpan<int> upper = _running.AsSpan(toRow * Columns, Columns);
        ReadOnlySpan<int> lower = _running.AsSpan(fromRow * Columns, Columns);
        for (int s = 0; s < DeflateCodes.LitLenSymbols; s++)
        {
            histogram.LitLen[s] = upper[s] - lower[s];
        }

        for (int s = 0; s < DeflateCodes.DistanceSymbols; s++)
        {
            histogram.Distance[s] = upper[DeflateCodes.LitLenSymbols + s] - lower[DeflateCodes.LitLenSymbols + s];
        }

        // Rows count whole strides: add the tail past the upper row, remove the head before `from`.
        histogram.Add(_symbols.AsSpan(toRow * Stride, to - (toRow * Stride)), 1);
        histogram.Add(_symbols.AsSpan(fromRow * Stride, from - (fromRow * Stride)), -1);
        histogram.LitLen[DeflateCodes.EndOfBlock] = 1;
        return histogram;
    }

    /// <param name="From">Start of the block (symbol index).</param>
    /// <param name="To">End of the block.</param>
    /// <param name="At">Where to split it.</param>
    /// <param name="Gain">Bits the split saves.</param>
    /// <param name="LeftBits">Size of [From, At).</param>
    /// <param name="RightBits">Size of [At, To).</param>
    private readonly record struct Candidate(int From, int To, int At, long Gain, long LeftBits, long RightBits);
}
