using Station.Protocol.Images;

namespace Station.Protocol.Tests.Images;

public class AppDescriptorTests
{
    private static readonly byte[] ElfSha = Enumerable.Range(0, 32).Select(i => (byte)(0xA0 + i)).ToArray();

    private static AppDescriptor Sample() => new()
    {
        Version = "qa-test-v5.0-20220830-4-g4532e6",
        ProjectName = "hello_world",
        Time = "21:21:30",
        Date = "Mar 22 2025",
        IdfVersion = "v5.0-beta1-427-g4532e6e0b2-dirt",
        SecureVersion = 3,
        AppElfSha256 = ElfSha,
        MinEfuseBlockRevisionFull = 0,
        MaxEfuseBlockRevisionFull = 199,
        MmuPageSizeLog2 = 16,
    };

    [Fact]
    public void ToBytes_Sample_FieldsAtTheDocumentedOffsets()
    {
        byte[] bytes = Sample().ToBytes();

        Assert.Equal(256, bytes.Length);
        Assert.Equal("3254cdab", Hex.Of(bytes.AsSpan(0x00, 4)));
        Assert.Equal("03000000", Hex.Of(bytes.AsSpan(0x04, 4)));
        Assert.Equal("qa-test-v5.0-20220830-4-g4532e6\0"u8.ToArray(), bytes.AsSpan(0x10, 32).ToArray());
        Assert.Equal("hello_world"u8.ToArray(), bytes.AsSpan(0x30, 11).ToArray());
        Assert.All(bytes.AsSpan(0x30 + 11, 32 - 11).ToArray(), b => Assert.Equal(0, b));
        Assert.Equal("21:21:30\0"u8.ToArray(), bytes.AsSpan(0x50, 9).ToArray());
        Assert.Equal("Mar 22 2025\0"u8.ToArray(), bytes.AsSpan(0x60, 12).ToArray());
        Assert.Equal("v5.0-beta1-427-g4532e6e0b2-dirt\0"u8.ToArray(), bytes.AsSpan(0x70, 32).ToArray());
        Assert.Equal(ElfSha, bytes.AsSpan(0x90, 32).ToArray());
        Assert.Equal("0000c70010", Hex.Of(bytes.AsSpan(0xB0, 5)));
        Assert.All(bytes.AsSpan(0xB5).ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void RoundTrip_Sample_KeepsEveryField()
    {
        var parsed = AppDescriptor.Parse(Sample().ToBytes());

        Assert.Equal("qa-test-v5.0-20220830-4-g4532e6", parsed.Version);
        Assert.Equal("hello_world", parsed.ProjectName);
        Assert.Equal("21:21:30", parsed.Time);
        Assert.Equal("Mar 22 2025", parsed.Date);
        Assert.Equal("v5.0-beta1-427-g4532e6e0b2-dirt", parsed.IdfVersion);
        Assert.Equal(3u, parsed.SecureVersion);
        Assert.Equal(ElfSha, parsed.AppElfSha256.ToArray());
        Assert.Equal(Convert.ToHexStringLower(ElfSha), parsed.AppElfSha256Hex);
        Assert.Equal((ushort)199, parsed.MaxEfuseBlockRevisionFull);
        Assert.Equal((byte)16, parsed.MmuPageSizeLog2);
    }

    [Fact]
    public void FromImage_DescriptorAt0x20_IsFound()
    {
        var image = new byte[0x20 + 256 + 16];
        Sample().ToBytes().CopyTo(image, 0x20);

        Assert.Equal("hello_world", AppDescriptor.FromImage(image).ProjectName);
    }

    [Fact]
    public void Parse_OldLayoutWithZerosAfterTheSha_ReadsZeroRevisions()
    {
        byte[] bytes = Sample().ToBytes();
        bytes.AsSpan(0xB0).Clear();

        var parsed = AppDescriptor.Parse(bytes);

        Assert.Equal((ushort)0, parsed.MinEfuseBlockRevisionFull);
        Assert.Equal((ushort)0, parsed.MaxEfuseBlockRevisionFull);
        Assert.Equal((byte)0, parsed.MmuPageSizeLog2);
    }

    [Fact]
    public void Parse_WrongMagic_Throws()
    {
        byte[] bytes = Sample().ToBytes();
        bytes[0] = 0x33;

        var e = Assert.Throws<ProtocolException>(() => AppDescriptor.Parse(bytes));

        Assert.Contains("0xABCD5433", e.Message, StringComparison.Ordinal);
        Assert.False(AppDescriptor.TryParse(bytes, out _));
    }

    [Theory]
    [InlineData("this-project-name-is-32-chars-xx")]
    [InlineData("naïve")]
    public void ToBytes_TextThatDoesNotFit_Throws(string name)
    {
        var descriptor = new AppDescriptor { ProjectName = name, Version = "1" };

        Assert.Throws<ArgumentException>(() => descriptor.ToBytes());
    }

    [Fact]
    public void ToBytes_ThirtyOneCharacters_Fit()
    {
        var descriptor = new AppDescriptor { ProjectName = new string('p', 31), Version = "1" };

        Assert.Equal(new string('p', 31), AppDescriptor.Parse(descriptor.ToBytes()).ProjectName);
    }
}
