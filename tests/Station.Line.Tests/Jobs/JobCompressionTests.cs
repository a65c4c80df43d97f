using Station.Flashing.Write;
using Station.Line.Events;
using Station.Line.Tests.Support;
using Station.Profiles;
using Station.Protocol.Chips;

namespace Station.Line.Tests.Jobs;

/// <summary>A job compresses its images once, as hard as the profile's <c>link.compression</c> asks, and says so.</summary>
public sealed class JobCompressionTests
{
    [Fact]
    public async Task Prepare_SmallestAndFast_EachCompressesEverySpanItsWayAndSmallestSendsFewerBytes()
    {
        var profile = TestJobs.Profile(ChipCatalogue.Esp32);
        var smallest = await PrepareAsync(profile);
        var fast = await PrepareAsync(profile with { Link = profile.Link with { Compression = ImageCompression.Fast } });

        Assert.Equal(ImageCompression.Smallest, smallest.Prepared.Compression);
        Assert.Equal(ImageCompression.Fast, fast.Prepared.Compression);
        Assert.All(smallest.Efforts, e => Assert.Equal(CompressionEffort.Smallest, e));
        Assert.All(fast.Efforts, e => Assert.Equal(CompressionEffort.Fast, e));
        Assert.Equal(smallest.Prepared.ImageBytes, fast.Prepared.ImageBytes);
        Assert.True(smallest.Prepared.WireBytes < fast.Prepared.WireBytes,
            $"smallest sends {smallest.Prepared.WireBytes} bytes, fast {fast.Prepared.WireBytes}");
    }

    private static async Task<(JobPrepared Prepared, IReadOnlyList<CompressionEffort> Efforts)> PrepareAsync(Profile profile)
    {
        var sink = new Recorded();
        var job = await TestJobs.PrepareAsync(profile, [], sink, units: 1);
        var efforts = job.Plan.Regions.SelectMany(r => r.Spans).Select(s => s.Compressed!.Effort).ToList();
        Assert.NotEmpty(efforts);
        return (Assert.Single(sink.Events.OfType<JobPrepared>()), efforts);
    }
}
