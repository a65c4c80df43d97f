using Station.DeviceData.Nvs;
using static Station.DeviceData.Tests.Support.Layout;

namespace Station.DeviceData.Tests.Nvs;

/// <summary>
/// Placement corners of the reference generator (esp-idf-nvs-partition-gen 0.2.0) that no published vector shows;
/// each expected layout is worked out from its write_varlen_data / write_varlen_binary_data logic.
/// </summary>
public class ReferencePlacementTests
{
    private const uint Active = 0xFFFFFFFE;
    private const uint Full = 0xFFFFFFFC;

    private static byte[] Write(IReadOnlyList<NvsItem> items, int size = 0x4000, NvsFormatVersion version = NvsFormatVersion.Version2)
    {
        var image = NvsWriter.Write(items, new NvsWriteOptions(size, version));
        Assert.Empty(NvsImageVerifier.Check(image, items));
        return image.Bytes;
    }

    [Fact]
    public void Write_Version1BlobEndingOnEntry125_GoesToTheNextPage()
    {
        // In version 1 a blob is one item, tested like a string: e = 124, span 2, 124 + 2 >= 126 raises PageFullError.
        var items = NamespaceAndIntegers(123);
        items.Add(new NvsEntry("ns", "b", NvsValue.Blob(Bytes(10))));

        var image = Write(items, version: NvsFormatVersion.Version1);

        Assert.True(IsErased(image, 0, 124));
        Assert.True(IsErased(image, 0, 125));
        Assert.Equal(Full, PageState(image, 0));
        Assert.Equal(0x41, Type(image, 1, 0));
        Assert.Equal(2, Span(image, 1, 0));
    }

    [Fact]
    public void Write_Version2BlobAtEntry124_StaysAndSendsItsIndexToTheNextPage()
    {
        // The same blob in version 2 skips the page-full test: room = (126-124-1)*32 = 32, the chunk takes entries
        // 124..125, and room - 10 < 32 starts a new page for the index.
        var items = NamespaceAndIntegers(123);
        items.Add(new NvsEntry("ns", "b", NvsValue.Blob(Bytes(10))));

        var image = Write(items);

        Assert.Equal(0x42, Type(image, 0, 124));
        Assert.Equal(10, Size(image, 0, 124));
        Assert.Equal(Full, PageState(image, 0));
        Assert.Equal(0x48, Type(image, 1, 0));
        Assert.Equal(1, Entry(image, 1, 0)[28]);
        Assert.Equal(Active, PageState(image, 1));
    }

    [Fact]
    public void Write_EmptyBlobAtEntry125_PutsItsIndexOnTheNextPage()
    {
        // e = 125: room 0, an empty chunk 0 takes entry 125, and room - 0 < 32 moves the index to page 1.
        var items = NamespaceAndIntegers(124);
        items.Add(new NvsEntry("ns", "b", NvsValue.Blob([])));

        var image = Write(items);

        Assert.Equal(0x42, Type(image, 0, 125));
        Assert.Equal(0, Size(image, 0, 125));
        Assert.Equal(0x48, Type(image, 1, 0));
        Assert.Equal([0, 0, 0, 0, 1, 0, 0xFF, 0xFF], Entry(image, 1, 0)[24..].ToArray());
    }

    [Fact]
    public void Write_NamespaceAtEntry125_TakesTheLastSlot()
    {
        // A namespace entry is written by write_primitive_data, so only e >= 126 moves it.
        var items = NamespaceAndIntegers(124);
        items.Add(new NvsEntry("second", "a", NvsValue.U8(1)));

        var image = Write(items);

        Assert.Equal(0, Entry(image, 0, 125)[0]);
        Assert.Equal("second\0"u8.ToArray(), Entry(image, 0, 125)[8..15].ToArray());
        Assert.Equal(2, Entry(image, 1, 0)[0]);
    }

    [Fact]
    public void Write_BlobOf255Chunks_IsTheLargestTheGeneratorNumbers()
    {
        // From entry 1: 3968 bytes, then 254 chunks of 4000; the index (count 255) lands alone on page 255.
        const int Size255Chunks = 3968 + (254 * 4000);
        var image = Write([new NvsNamespace("ns"), new NvsEntry("ns", "b", NvsValue.Blob(Bytes(Size255Chunks)))], size: 257 * 4096);

        Assert.Equal(254, Chunk(image, 254, 0));
        Assert.Equal(0x48, Type(image, 255, 0));
        Assert.Equal(255, Entry(image, 255, 0)[28]);
    }

    [Fact]
    public void Write_BlobNeeding256Chunks_IsRefused()
    {
        // Chunk index and count are single bytes in the generator: one more byte needs chunk 255 and then
        // index or count 256, and bytearray assignment fails with ValueError.
        const int Size256Chunks = 3968 + (254 * 4000) + 1;
        List<NvsItem> items = [new NvsNamespace("ns"), new NvsEntry("ns", "b", NvsValue.Blob(Bytes(Size256Chunks)))];

        var e = Assert.Throws<NvsException>(() => NvsWriter.Write(items, new NvsWriteOptions(0x110000)));

        Assert.Equal(NvsErrorCodes.BlobTooManyChunks, Assert.Single(e.Errors).Code);
    }
}
