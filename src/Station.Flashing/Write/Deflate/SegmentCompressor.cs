namespace Station.Flashing.Write.Deflate;

/// <summary>
/// Plans the blocks of one segment of the input: finds matches once, parses, splits the parse into blocks and
/// then refines each block's parse against its own statistics (parse, count symbols, derive costs, parse again),
/// keeping the smallest. Segments are independent, so they can be planned in parallel with identical results.
/// </summary>
internal static class SegmentCompressor
{
    /// <summary>Tree nodes visited per position: deeper finds little more on firmware and bounds the worst case.</summary>
    private const int MaxDepth = 64;

    /// <summary>Matches this long are taken as they are, without looking for matches inside them.</summary>
    private const int NiceLength = DeflateCodes.MaxMatch;

    /// <summary>Passes per refining round at most; a round stops early once the parse stops changing.</summary>
    private const int Passes = 5;

    /// <summary>Smallest block the splitter considers: below this a header rarely pays for itself.</summary>
    private const int MinBlockSymbols = 64;

    /// <summary>Blocks per segment at most (8 KiB apart on average): more rarely pays and would cost search time.</summary>
    private const int MaxBlocks = 32;

    /// <summary>
    /// Cost models of the refining rounds, each round starting from the best parse so far: code lengths (exact
    /// prices of the current code) and entropy (smoother) settle in different local optima, so alternating
    /// them escapes where either alone gets stuck.
    /// </summary>
    private static readonly bool[] RoundsUseCodeLengths = [true, false, true, false];

    public static List<PlannedBlock> Plan(byte[] data, int start, int end, CancellationToken cancellationToken)
    {
        if (end == start)
        {
            return [new PlannedBlock(start, end, [])];
        }

        var matches = MatchFinder.Find(data, start, end, MaxDepth, NiceLength, cancellationToken);
        var parser = new OptimalParser(data, start, matches);
        int length = end - start;

        // A first parse under neutral costs, then one under its own statistics, gives a parse good enough to split.
        uint[] rough = parser.Parse(0, length, CostModel.Fixed());
        cancellationToken.ThrowIfCancellationRequested();
        rough = parser.Parse(0, length, CostModel.FromHistogram(SymbolHistogram.Of(rough)));
        List<int> splits = BlockSplitter.Split(rough, MinBlockSymbols, MaxBlocks, cancellationToken);

        var blocks = new List<PlannedBlock>(splits.Count + 1);
        int symbolFrom = 0;
        int byteFrom = 0;
        foreach (int symbolTo in splits.Append(rough.Length))
        {
            int byteTo = byteFrom;
            for (int i = symbolFrom; i < symbolTo; i++)
            {
                byteTo += LzSymbol.Span(rough[i]);
            }

            // Each block starts refining from its share of the rough parse.
            uint[] initial = rough.AsSpan(symbolFrom, symbolTo - symbolFrom).ToArray();
            blocks.Add(new PlannedBlock(start + byteFrom, start + byteTo, Refine(parser, byteFrom, byteTo, initial, cancellationToken)));
            symbolFrom = symbolTo;
            byteFrom = byteTo;
        }

        return blocks;
    }

    /// <summary>
    /// Iterates parse → statistics → costs on one block and returns the smallest parse met; a parse for the fixed
    /// code competes too, as small blocks are often smallest with it.
    /// </summary>
    private static uint[] Refine(OptimalParser parser, int from, int to, uint[] initial, CancellationToken cancellationToken)
    {
        var best = new Candidate(parser.Parse(from, to, CostModel.Fixed()));
        var start = new Candidate(initial);
        if (start.Bits < best.Bits)
        {
            best = start;
        }

        foreach (bool useCodeLengths in RoundsUseCodeLengths)
        {
            var current = best;
            for (int pass = 0; pass < Passes; pass++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var model = useCodeLengths ? CostModel.FromCode(current.Code, DeflateCodes.MaxCodeBits) : CostModel.FromHistogram(current.Histogram);
                var next = new Candidate(parser.Parse(from, to, model));
                if (next.Bits < best.Bits)
                {
                    best = next;
                }

                if (next.Bits == current.Bits)
                {
                    break;
                }

                current = next;
            }
        }

        return best.Symbols;
    }

    /// <summary>A parse with its statistics, its dynamic code and its size as the smaller of a dynamic and a fixed block.</summary>
    private sealed class Candidate
    {
        public Candidate(uint[] symbols)
        {
            Symbols = symbols;
            Histogram = SymbolHistogram.Of(symbols);
            Code = DynamicCode.Build(Histogram);
            Bits = Math.Min(Code.Bits, BlockEncoder.FixedBits(Histogram));
        }

        public uint[] Symbols { get; }

        public SymbolHistogram Histogram { get; }

        public DynamicCode Code { get; }

        public long Bits { get; }
    }
}
