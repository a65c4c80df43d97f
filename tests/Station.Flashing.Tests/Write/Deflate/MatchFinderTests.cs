using Station.Flashing.Write.Deflate;

namespace Station.Flashing.Tests.Write.Deflate;

public class MatchFinderTests
{
    [Theory]
    [InlineData(0, 6000)]
    [InlineData(2500, 6000)]
    public void Find_SmallAlphabet_ListsEveryLongerMatchAtItsNearestDistance(int start, int end)
    {
        // Four letters: many short matches at many distances, the case where nearest-per-length matters.
        var random = new Random(1);
        byte[] data = Enumerable.Range(0, end).Select(_ => (byte)"abcd"[random.Next(4)]).ToArray();

        var table = MatchFinder.Find(data, start, end, maxDepth: 1000, niceLength: 258, CancellationToken.None);

        for (int p = start; p < end; p++)
        {
            var expected = new List<(int Length, int Distance)>();
            int longest = 2;
            for (int distance = 1; distance <= Math.Min(p, 32768); distance++)
            {
                int length = CommonPrefix(data, p - distance, p, Math.Min(258, end - p));
                if (length > longest)
                {
                    longest = length;
                    expected.Add((length, distance));
                }
            }

            var actual = table.At(p - start).ToArray().Select(e => (MatchTable.Length(e), MatchTable.Distance(e)));
            Assert.True(expected.SequenceEqual(actual), $"at {p}: expected {string.Join(", ", expected)}, found {string.Join(", ", actual)}");
        }
    }

    [Fact]
    public void Find_Run_RecordsTheLongMatchAndSkipsInsideIt()
    {
        byte[] data = [.. "xyz"u8, .. Enumerable.Repeat((byte)7, 1000)];

        var table = MatchFinder.Find(data, 0, data.Length, maxDepth: 64, niceLength: 258, CancellationToken.None);

        Assert.Equal([(258, 1)], table.At(4).ToArray().Select(e => (MatchTable.Length(e), MatchTable.Distance(e))));
        Assert.True(table.At(5).IsEmpty);
        Assert.False(table.At(4 + 258).IsEmpty);
    }

    private static int CommonPrefix(byte[] data, int a, int b, int max)
    {
        int length = 0;
        while (length < max && data[a + length] == data[b + length])
        {
            length++;
        }

        return length;
    }
}
