using Station.Flashing.Write.Deflate;

namespace Station.Flashing.Tests.Write.Deflate;

public class BlockPlanningTests
{
    [Fact]
    public void Split_TwoDifferentAlphabets_SplitsWhereTheAlphabetChanges()
    {
        var random = new Random(1);
        uint[] symbols = [.. Enumerable.Range(0, 5000).Select(_ => (uint)"abcd"[random.Next(4)]),
            .. Enumerable.Range(0, 5000).Select(_ => (uint)random.Next(128, 256))];

        var points = BlockSplitter.Split(symbols, minSymbols: 64, maxBlocks: 32, CancellationToken.None);

        int point = Assert.Single(points);
        Assert.InRange(point, 4900, 5100);
    }

    [Fact]
    public void Split_UniformSymbols_KeepsOneBlock()
    {
        var random = new Random(2);
        uint[] symbols = Enumerable.Range(0, 20_000).Select(_ => (uint)random.Next(64)).ToArray();

        Assert.Empty(BlockSplitter.Split(symbols, minSymbols: 64, maxBlocks: 32, CancellationToken.None));
    }

    [Fact]
    public void Merge_NeighboursWithTheSameStatistics_BecomeOneBlock()
    {
        uint[] run = [(uint)'x', .. Enumerable.Repeat(LzSymbol.Match(258, 1), 100)];
        PlannedBlock[] blocks = [new(0, 25_801, run), new(25_801, 51_602, run)];

        var merged = BlockMerger.Merge(blocks, CancellationToken.None);

        var block = Assert.Single(merged);
        Assert.Equal((0, 51_602, 202), (block.Start, block.End, block.Symbols.Length));
    }

    [Fact]
    public void Merge_NeighboursWithDifferentStatistics_StaySeparate()
    {
        var random = new Random(3);
        uint[] letters = Enumerable.Range(0, 5000).Select(_ => (uint)"abcd"[random.Next(4)]).ToArray();
        uint[] high = Enumerable.Range(0, 5000).Select(_ => (uint)random.Next(128, 256)).ToArray();
        PlannedBlock[] blocks = [new(0, 5000, letters), new(5000, 10_000, high)];

        Assert.Equal(2, BlockMerger.Merge(blocks, CancellationToken.None).Count);
    }
}
