using System.Buffers.Binary;
using Station.DeviceData.Nvs;
using Station.DeviceData.Nvs.Reading;
using static Station.DeviceData.Tests.Support.Layout;

namespace Station.DeviceData.Tests.Nvs;

/// <summary>The placement rules of nvs-format.md §7, case by case (the h* cases the reference names).</summary>
public class NvsWriterLayoutTests
{
    private const uint Active = 0xFFFFFFFE;
    private const uint Full = 0xFFFFFFFC;

    private static byte[] Write(IReadOnlyList<NvsItem> items, int size = 0x4000, NvsFormatVersion version = NvsFormatVersion.Version2)
    {
        var image = NvsWriter.Write(items, new NvsWriteOptions(size, version));
        Assert.Empty(NvsImageVerifier.Check(image, items));
        return image.Bytes;
    }

    [Theory]
    [InlineData(0, 0xB9BA2D84u)]
    [InlineData(1, 0x389F48A3u)]
    [InlineData(2, 0x6081E18Bu)]
    [InlineData(3, 0xE1A484ACu)]
    [InlineData(4, 0xD0BCB3DBu)]
    [InlineData(5, 0x5199D6FCu)]
    public void Write_PageHeaders_CarryTheReferenceHeaderCrcs(int sequence, uint crc)
    {
        var image = Write(NamespaceAndIntegers(125 * (sequence + 1)), size: 0x1000 * (sequence + 2));

        Assert.Equal(crc, BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan((sequence * 4096) + 28)));
        Assert.Equal((uint)sequence, BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan((sequence * 4096) + 4)));
    }

    [Theory]
    [InlineData(0, 0xDCDD16C2u)]
    [InlineData(1, 0x5DF873E5u)]
    [InlineData(2, 0x05E6DACDu)]
    public void Write_Version1PageHeaders_CarryTheReferenceHeaderCrcs(int sequence, uint crc)
    {
        var image = Write(NamespaceAndIntegers(125 * (sequence + 1)), size: 0x1000 * (sequence + 2), NvsFormatVersion.Version1);

        Assert.Equal(0xFF, image[(sequence * 4096) + 8]);
        Assert.Equal(crc, BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan((sequence * 4096) + 28)));
    }

    [Fact]
    public void Write_EmptyItemList_HeadsPageZeroOnly()
    {
        var image = Write([], size: 0x3000);

        Assert.Equal(Active, PageState(image, 0));
        Assert.All(Enumerable.Range(0, 32), i => Assert.Equal(0xFF, image[32 + i]));
        Assert.False(image.AsSpan(4096).ContainsAnyExcept((byte)0xFF));
    }

    [Fact]
    public void Write_StringEndingOnEntry125_GoesToTheNextPage()
    {
        // h1_sz_boundary: e = 124, span 2 → e + span >= 126 → next page; entries 124 and 125 stay empty.
        var items = NamespaceAndIntegers(123);
        items.Add(new NvsEntry("ns", "s", NvsValue.String("abcdefg")));

        var image = Write(items);

        Assert.Equal(Full, PageState(image, 0));
        Assert.True(IsErased(image, 0, 124));
        Assert.True(IsErased(image, 0, 125));
        Assert.Equal(NvsEntryState.Empty, State(image, 0, 124));
        Assert.Equal(0x21, Type(image, 1, 0));
        Assert.Equal(Active, PageState(image, 1));
    }

    [Fact]
    public void Write_StringEndingOnEntry124_StaysOnThePage()
    {
        // h1b_sz_fits: e = 123, span 2 → entries 123 and 124.
        var items = NamespaceAndIntegers(122);
        items.Add(new NvsEntry("ns", "s", NvsValue.String("abcdefg")));

        var image = Write(items);

        Assert.Equal(0x21, Type(image, 0, 123));
        Assert.Equal(2, Span(image, 0, 123));
        Assert.True(IsErased(image, 0, 125));
        Assert.Equal(Active, PageState(image, 0));
        Assert.Equal(0xFFFFFFFFu, PageState(image, 1));
    }

    [Fact]
    public void Write_IntegerAtEntry125_TakesTheLastSlot()
    {
        // h4_primitive_last_slot, h16_page_exactly_full: the last page stays ACTIVE even when full.
        var image = Write(NamespaceAndIntegers(125));

        Assert.Equal(0x01, Type(image, 0, 125));
        Assert.Equal(Active, PageState(image, 0));
        Assert.All(Enumerable.Range(0, 31), i => Assert.Equal(0xAA, image[32 + i]));
        Assert.Equal(0xFA, image[63]);
    }

    [Fact]
    public void Write_IntegerAfterAFullPage_StartsPageOne()
    {
        var image = Write(NamespaceAndIntegers(126));

        Assert.Equal(Full, PageState(image, 0));
        Assert.Equal(Active, PageState(image, 1));
        Assert.Equal(0x01, Type(image, 1, 0));
    }

    [Fact]
    public void Write_BlobStartingAtEntry125_WritesAnEmptyChunkThere()
    {
        // h2_blob_at_125: room 0 → chunk 0 of size 0 (span 1, CRC FFFFFFFF) at 125; data as chunk 1 on page 1.
        var items = NamespaceAndIntegers(124);
        items.Add(new NvsEntry("ns", "b", NvsValue.Blob(Bytes(100))));

        var image = Write(items);

        Assert.Equal(0x42, Type(image, 0, 125));
        Assert.Equal(0, Size(image, 0, 125));
        Assert.Equal(1, Span(image, 0, 125));
        Assert.Equal(0xFFFFFFFFu, BinaryPrimitives.ReadUInt32LittleEndian(Entry(image, 0, 125)[28..]));
        Assert.Equal(1, Chunk(image, 1, 0));
        Assert.Equal(100, Size(image, 1, 0));
        Assert.Equal(0x48, Type(image, 1, 5));
        Assert.Equal(2, Entry(image, 1, 5)[28]);
    }

    [Fact]
    public void Write_BlobEndingOnEntry125_PutsTheIndexOnANewPage()
    {
        // h3_blob_exact_fill: from e = 1, 3968 bytes fill entries 1..125; no whole entry is left for the index.
        var image = Write([new NvsNamespace("ns"), new NvsEntry("ns", "b", NvsValue.Blob(Bytes(3968)))]);

        Assert.Equal(125, Span(image, 0, 1));
        Assert.Equal(Full, PageState(image, 0));
        Assert.Equal(0x48, Type(image, 1, 0));
        Assert.Equal(1, Entry(image, 1, 0)[28]);
    }

    [Fact]
    public void Write_BlobLeavingOneEntry_PutsTheIndexInIt()
    {
        // h3b_blob_one_left.
        var image = Write([new NvsNamespace("ns"), new NvsEntry("ns", "b", NvsValue.Blob(Bytes(3936)))]);

        Assert.Equal(0x48, Type(image, 0, 125));
        Assert.Equal(Active, PageState(image, 0));
    }

    [Fact]
    public void Write_Blob4000FromEntry1_SplitsIntoChunksOf3968And32()
    {
        // h6_blob_4000.
        var image = Write([new NvsNamespace("ns"), new NvsEntry("ns", "b", NvsValue.Blob(Bytes(4000)))]);

        Assert.Equal(3968, Size(image, 0, 1));
        Assert.Equal(0, Chunk(image, 0, 1));
        Assert.Equal(32, Size(image, 1, 0));
        Assert.Equal(1, Chunk(image, 1, 0));
        Assert.Equal(0x48, Type(image, 1, 2));
    }

    [Fact]
    public void Write_EmptyBlob_IsOneEmptyChunkAndAnIndex()
    {
        // h13_empty_blob.
        var image = Write([new NvsNamespace("ns"), new NvsEntry("ns", "b", NvsValue.Blob([]))]);

        Assert.Equal(0x42, Type(image, 0, 1));
        Assert.Equal(1, Span(image, 0, 1));
        Assert.Equal(0, Size(image, 0, 1));
        Assert.Equal(0x48, Type(image, 0, 2));
        Assert.Equal([0, 0, 0, 0, 1, 0, 0xFF, 0xFF], Entry(image, 0, 2)[24..].ToArray());
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(7, 2)]
    [InlineData(31, 2)]
    [InlineData(32, 3)]
    [InlineData(100, 5)]
    [InlineData(3000, 95)]
    [InlineData(3967, 125)]
    public void Write_String_SpansOnePlusItsSizeWithNulInEntries(int length, int span)
    {
        var image = Write([new NvsNamespace("ns"), new NvsEntry("ns", "s", NvsValue.String(new string('x', length)))]);

        // After the namespace entry, a span of 125 no longer fits page 0 (1 + 125 >= 126).
        var (page, entry) = span < 125 ? (0, 1) : (1, 0);
        Assert.Equal(span, Span(image, page, entry));
        Assert.Equal(length + 1, Size(image, page, entry));
    }

    [Fact]
    public void Write_Utf8String_CountsBytesNotCharacters()
    {
        // h7_utf8: "äö€" is 2 + 2 + 3 bytes, plus the NUL.
        var image = Write([new NvsNamespace("ns"), new NvsEntry("ns", "s", NvsValue.String("äö€"))]);

        Assert.Equal(8, Size(image, 0, 1));
        Assert.Equal("C3A4C3B6E282AC00FFFF", Convert.ToHexString(Entry(image, 0, 2)[..10]));
    }

    [Theory]
    [InlineData(0x1000)]
    [InlineData(0x2000)]
    public void Write_ReadOnlySize_HoldsOnlyTheUsedPagesAndNoReservedOne(int size)
    {
        // h8_ro_0x2000 is 4096 bytes; a read-only partition may fill every page.
        Assert.Equal(4096, Write(NamespaceAndIntegers(10), size).Length);
        Assert.Equal(size, Write(NamespaceAndIntegers((125 * (size / 4096)) - 1), size).Length);
        Assert.Equal(size, NvsWriter.Write(NamespaceAndIntegers(10), new NvsWriteOptions(size, PadReadOnlyImage: true)).Bytes.Length);
    }

    [Fact]
    public void Write_ReadWriteSize_KeepsTheLastPageErased()
    {
        var e = Assert.Throws<NvsException>(() => NvsWriter.Write(NamespaceAndIntegers(252), new NvsWriteOptions(0x3000)));

        Assert.Equal(NvsErrorCodes.PartitionTooSmall, e.Errors[0].Code);
        var image = Write(NamespaceAndIntegers(251), 0x3000);
        Assert.Equal(0x3000, image.Length);
        Assert.Equal(Full, PageState(image, 0));
        Assert.Equal(Active, PageState(image, 1));
        Assert.False(image.AsSpan(0x2000).ContainsAnyExcept((byte)0xFF));
    }

    [Fact]
    public void Write_Version1Blob_IsOneBlobItemLikeAString()
    {
        var image = Write([new NvsNamespace("ns"), new NvsEntry("ns", "b", NvsValue.Blob(Bytes(1984)))], version: NvsFormatVersion.Version1);

        Assert.Equal(0x41, Type(image, 0, 1));
        Assert.Equal(63, Span(image, 0, 1));
        Assert.Equal(0xFF, Chunk(image, 0, 1));
        Assert.Equal(1984, Size(image, 0, 1));
    }

    [Fact]
    public void Write_EntryInAnUndeclaredNamespace_DeclaresItRightBefore()
    {
        var partition = NvsReader.Read(Write([new NvsEntry("first", "a", NvsValue.U8(1)), new NvsEntry("second", "b", NvsValue.U8(2))]));

        Assert.Equal(
            [new NvsNamespace("first"), new NvsEntry("first", "a", NvsValue.U8(1)), new NvsNamespace("second"), new NvsEntry("second", "b", NvsValue.U8(2))],
            partition.Items);
        Assert.Equal(new Dictionary<byte, string> { [1] = "first", [2] = "second" }, partition.Namespaces);
    }

    [Fact]
    public void Write_NamespaceDeclaredTwice_IsRefused()
    {
        var e = Assert.Throws<NvsException>(() => NvsWriter.Write([new NvsNamespace("a"), new NvsNamespace("a")], new NvsWriteOptions(0x3000)));

        Assert.Equal(NvsErrorCodes.NamespaceRepeated, Assert.Single(e.Errors).Code);
    }

    [Fact]
    public void Write_255Namespaces_IsRefusedAt255()
    {
        var items = Enumerable.Range(0, 255).Select(i => (NvsItem)new NvsNamespace($"n{i}")).ToList();

        var e = Assert.Throws<NvsException>(() => NvsWriter.Write(items, new NvsWriteOptions(0x4000)));

        Assert.Equal(NvsErrorCodes.NamespaceLimit, Assert.Single(e.Errors).Code);
        Assert.Contains("`n254`", e.Errors[0].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sixteen_chars_ab", NvsErrorCodes.KeyTooLong)]
    [InlineData("", NvsErrorCodes.KeyEmpty)]
    [InlineData("ключ", NvsErrorCodes.KeyNotAscii)]
    [InlineData("a\0b", NvsErrorCodes.KeyNotAscii)]
    public void Write_BadKey_IsRefused(string key, string code)
    {
        var e = Assert.Throws<NvsException>(() => NvsWriter.Write([new NvsEntry("ns", key, NvsValue.U8(1))], new NvsWriteOptions(0x3000)));

        Assert.Equal(code, Assert.Single(e.Errors).Code);
    }

    [Fact]
    public void Write_KeyOf15Characters_EndsInANulAndZeros()
    {
        var image = Write([new NvsEntry("ns", "fifteen_chars_k", NvsValue.U8(1))]);

        Assert.Equal("fifteen_chars_k\0"u8.ToArray(), Entry(image, 0, 1)[8..24].ToArray());
    }

    [Fact]
    public void Write_SameBlobKeyTwice_ReadsBackBothWithTheirOwnChunks()
    {
        // h11_dup_key: the generator writes both; each index takes the nearest chunks written before it.
        List<NvsItem> items = [new NvsEntry("ns", "b", NvsValue.Blob(Bytes(5000, seed: 1))), new NvsEntry("ns", "b", NvsValue.Blob(Bytes(300, seed: 2)))];

        var partition = NvsReader.Read(Write(items, 0x5000));

        Assert.Empty(partition.Problems);
        Assert.Equal(items, partition.Items.OfType<NvsEntry>());
    }
}
