namespace Station.Flashing.Write.Deflate;

/// <summary>
/// Joins neighbouring blocks when one code for both is cheaper than two: segments always end a block, which
/// on uniform data (erased flash, runs, repeats) only adds headers.
/// </summary>
internal static class BlockMerger
{
    public static List<PlannedBlock> Merge(IEnumerable<PlannedBlock> blocks, CancellationToken cancellationToken)
    {
        var merged = new List<PlannedBlock>();
        PlannedBlock? current = null;
        SymbolHistogram? currentHistogram = null;
        long currentBits = 0;
        foreach (var next in blocks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var nextHistogram = SymbolHistogram.Of(next.Symbols);
            long nextBits = Bits(nextHistogram, next.End - next.Start);
            if (current is not null)
            {
                var union = SymbolHistogram.Sum(currentHistogram!, nextHistogram);
                long unionBits = Bits(union, next.End - current.Start);
                if (unionBits < currentBits + nextBits)
                {
                    current = new PlannedBlock(current.Start, next.End, [.. current.Symbols, .. next.Symbols]);
                    currentHistogram = union;
                    currentBits = unionBits;
                    continue;
                }

                merged.Add(current);
            }

            current = next;
            currentHistogram = nextHistogram;
            currentBits = nextBits;
        }

        if (current is not null)
        {
            merged.Add(current);
        }

        return merged;
    }

    /// <summary>Size of a block as the smallest of the three block types (stored taken as byte-aligned).</summary>
    private static long Bits(SymbolHistogram histogram, int bytes) =>
        Math.Min(Math.Min(DynamicCode.Build(histogram).Bits, BlockEncoder.FixedBits(histogram)), BlockEncoder.StoredBits(0, bytes));
}
