using System.IO.Compression;
using System.Security.Cryptography;
using Station.Cli.Bench;
using Station.Protocol.Images;

namespace Station.Cli.Tests.Bench;

public class BenchImagesTests
{
    [Fact]
    public void App_BuiltTwice_IsByteIdentical()
    {
        var first = BenchImages.App();
        var second = BenchImages.App();

        Assert.Equal(first.Regions.Select(r => SHA256.HashData(r.Bytes)), second.Regions.Select(r => SHA256.HashData(r.Bytes)));
    }

    [Fact]
    public void App_OneMegabyte_IsAnAppImageOfThatSizeWithItsDescriptor()
    {
        var workload = BenchImages.App();
        var app = workload.Regions.Single(r => r.Address == BenchImages.AppAddress).Bytes;

        Assert.Equal("app-1mb", workload.Key);
        Assert.InRange(app.Length, BenchImages.AppBytes - 64, BenchImages.AppBytes);
        Assert.Contains(workload.Regions, r => r.Address == 0x8000);
        var descriptor = AppDescriptor.Parse(app.AsSpan(0x20));
        Assert.Equal((BenchImages.Project, BenchImages.Version), (descriptor.ProjectName, descriptor.Version));
    }

    [Fact]
    public void App_Code_CompressesLikeARealApp()
    {
        var app = BenchImages.App().Regions.Single(r => r.Address == BenchImages.AppAddress).Bytes;

        double ratio = (double)Deflate(app) / app.Length;

        Assert.InRange(ratio, 0.55, 0.70);
    }

    [Fact]
    public void Full4Mb_IsOneFourMegabyteImageWithAValidPartitionTableAndApp()
    {
        var region = BenchImages.Full4Mb().Regions.Single();

        Assert.Equal((0u, BenchImages.FullImageBytes), (region.Address, region.Bytes.Length));
        var table = PartitionTable.Verify(region.Bytes.AsSpan(0x8000, PartitionTable.MaxLength), (uint)region.Bytes.Length);
        Assert.True(table.IsValid);
        Assert.Equal(0xE9, region.Bytes[0x10000]);
        Assert.Equal(0xFF, region.Bytes[0]);
    }

    private static int Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return (int)output.Length;
    }
}
