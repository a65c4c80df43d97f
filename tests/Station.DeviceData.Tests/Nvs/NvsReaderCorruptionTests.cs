using System.Buffers.Binary;
using Station.DeviceData.Nvs;
using Station.DeviceData.Nvs.Reading;
using Station.DeviceData.Tests.Support;

namespace Station.DeviceData.Tests.Nvs;

/// <summary>The reader finds each kind of damage and says exactly where and what (f_factory: strings, u8, blob).</summary>
public class NvsReaderCorruptionTests
{
    // f_factory page 0: entry 0 namespace, 1-2 serial, 3-4 mac, 5 hw_rev, 6-8 calib (chunk span 3), 9 calib index, 10.. cert.
    private static byte[] Image() => ReferenceVectors.Bytes("f_factory.bin");

    private static int Offset(int page, int entry) => (page * 4096) + 64 + (entry * 32);

    private static void FixEntryCrc(byte[] image, int page, int entry)
    {
        var slot = image.AsSpan(Offset(page, entry), 32);
        BinaryPrimitives.WriteUInt32LittleEndian(slot[4..], NvsItemHeader.ComputeCrc(slot));
    }

    private static NvsProblem SingleProblem(byte[] image, string code)
    {
        var problems = NvsReader.Read(image).Problems;
        Assert.True(problems.Count == 1, "expected one problem, got:\n" + string.Join("\n", problems));
        Assert.Equal(code, problems[0].Code);
        return problems[0];
    }

    [Fact]
    public void Read_Intact_HasNoProblem()
    {
        var partition = NvsReader.Read(Image());

        Assert.True(partition.IsValid);
        Assert.Equal(["serial", "mac", "hw_rev", "calib", "cert"], partition.Entries.Select(e => e.Entry.Key));
    }

    [Fact]
    public void Read_FlippedPageHeaderByte_IsAPageHeaderCrcProblem()
    {
        var image = Image();
        image[4] ^= 0x01;

        var problem = SingleProblem(image, NvsProblemCodes.PageHeaderCrc);
        Assert.Equal((0, (int?)null), (problem.Page!.Value, problem.Entry));
        Assert.Equal("page 0: Page header CRC 0xB9BA2D84 does not match 0x389F48A3 computed over header bytes 4..27 (seq 1, version 0xFE).", problem.ToString());
    }

    [Theory]
    [InlineData(28, NvsProblemCodes.PageHeaderCrc, null)]
    [InlineData(64 + (5 * 32) + 4, NvsProblemCodes.EntryCrc, 5)]
    [InlineData(64 + (1 * 32) + 28, NvsProblemCodes.EntryCrc, 1)]
    public void Read_FlippedStoredCrcByte_IsReportedWhereItIs(int offset, string code, int? entry)
    {
        var image = Image();
        image[offset] ^= 0x80;

        var problem = SingleProblem(image, code);
        Assert.Equal((0, entry), (problem.Page!.Value, problem.Entry));
    }

    [Fact]
    public void Read_WrongDataCrcUnderAValidHeader_IsADataCrcProblem()
    {
        var image = Image();
        image[Offset(0, 1) + 28] ^= 0x80;
        FixEntryCrc(image, 0, 1);

        var problem = SingleProblem(image, NvsProblemCodes.DataCrc);
        Assert.Equal("page 0, entry 1: Data CRC of `serial` is 0x25907E66 in the header, but its 15 payload bytes give 0x25907EE6.", problem.ToString());
    }

    [Fact]
    public void Read_FlippedKeyByte_IsAnEntryCrcProblemAtThatEntry()
    {
        var image = Image();
        image[Offset(0, 5) + 8] ^= 0x20;

        var problem = SingleProblem(image, NvsProblemCodes.EntryCrc);
        Assert.Equal((0, 5), (problem.Page, problem.Entry));
        Assert.Contains("key `Hw_rev`", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FlippedStringByte_IsADataCrcProblem()
    {
        var image = Image();
        image[Offset(0, 2)] ^= 0x01;

        var problem = SingleProblem(image, NvsProblemCodes.DataCrc);
        Assert.Equal((0, 1), (problem.Page, problem.Entry));
        Assert.Contains("`serial`", problem.Message, StringComparison.Ordinal);
        Assert.Contains("15 payload bytes", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SpanTooShort_IsASpanProblemAndTheLeftoverEntryIsFlagged()
    {
        var image = Image();
        image[Offset(0, 1) + 2] = 1;
        FixEntryCrc(image, 0, 1);

        var problems = NvsReader.Read(image).Problems;

        Assert.Contains(problems, p => p.Code == NvsProblemCodes.Span && p.Entry == 1 && p.Message == "Item `serial` has span 1, but its size of 15 bytes needs 2 (header + 1 data entries).");
        Assert.Contains(problems, p => p.Code == NvsProblemCodes.EntryCrc && p.Entry == 2);
    }

    [Fact]
    public void Read_SpanPastThePageEnd_IsASpanProblem()
    {
        var image = Image();
        image[Offset(0, 5) + 2] = 200;
        FixEntryCrc(image, 0, 5);

        var problems = NvsReader.Read(image).Problems;

        Assert.Contains(problems, p => p.Code == NvsProblemCodes.Span && p.Entry == 5 && p.Message.Contains("runs past the last entry", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_DataEntryMarkedEmpty_IsASpanStateProblem()
    {
        var image = Image();

        // Entry 2 (serial's data) is bits 4..5 of bitmap byte 0: 10 → 11.
        image[32] |= 0b0011_0000;

        var problem = SingleProblem(image, NvsProblemCodes.SpanState);
        Assert.Equal((0, 2), (problem.Page, problem.Entry));
        Assert.Contains("EMPTY, not WRITTEN", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BitmapPairOf01_IsABitmapStateProblem()
    {
        var image = Image();

        // Entry 5 is bits 2..3 of bitmap byte 1: 10 → 01.
        image[33] = (byte)((image[33] & ~0b1100) | 0b0100);

        var problems = NvsReader.Read(image).Problems;

        Assert.Contains(problems, p => p.Code == NvsProblemCodes.BitmapState && p.Entry == 5 && p.Message.Contains("bitmap byte 1 (bits 2..3)", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_EmptyEntryHoldingData_IsFlagged()
    {
        var image = Image();
        int lastUsed = NvsReader.Read(image).Pages[0].EntryStates.ToList().LastIndexOf(NvsEntryState.Written);
        image[Offset(0, lastUsed + 1) + 3] = 0x00;

        var problem = SingleProblem(image, NvsProblemCodes.EntryNotErased);
        Assert.Equal(lastUsed + 1, problem.Entry);
    }

    [Fact]
    public void Read_UnknownPageState_IsAPageStateProblem()
    {
        var image = Image();
        image[0] = 0x12;

        Assert.Equal("page 0: The page state 0xFFFFFF12 is none of ACTIVE (FFFFFFFE), FULL (FFFFFFFC), FREEING (FFFFFFF8), CORRUPT (FFFFFFF0).", SingleProblem(image, NvsProblemCodes.PageState).ToString());
    }

    [Fact]
    public void Read_ErasedPageWithData_IsFlagged()
    {
        var image = Image();
        image[0x5000 + 100] = 0;

        var problem = SingleProblem(image, NvsProblemCodes.PageNotErased);
        Assert.Equal(5, problem.Page);
    }

    [Fact]
    public void Read_MissingBlobChunk_IsABlobProblem()
    {
        var image = Image();

        // calib's chunk 0 at entry 6 (span 3): mark its three entries ERASED (00), as the firmware erases.
        image[33] &= 0b0000_1111;
        image[34] &= 0b1111_1100;

        var problem = SingleProblem(image, NvsProblemCodes.BlobChunks);
        Assert.Equal((0, 9), (problem.Page, problem.Entry));
        Assert.Equal("Blob `calib` lists chunk 0, which is not on flash.", problem.Message);
    }

    [Fact]
    public void Read_BlobIndexSizeWrong_IsABlobProblem()
    {
        var image = Image();
        image[Offset(0, 9) + 24] = 65;
        FixEntryCrc(image, 0, 9);

        Assert.Equal("Blob `calib` says 65 bytes, but its 1 chunk(s) hold 64.", SingleProblem(image, NvsProblemCodes.BlobChunks).Message);
    }

    [Fact]
    public void Read_BlobIndexErased_LeavesAnOrphanChunk()
    {
        var image = Image();
        image[34] &= 0b1111_0011;

        var problem = SingleProblem(image, NvsProblemCodes.BlobOrphanChunk);
        Assert.Equal((0, 6), (problem.Page, problem.Entry));
    }

    [Fact]
    public void Read_UndefinedNamespaceIndex_IsANamespaceProblem()
    {
        var image = Image();
        image[Offset(0, 5)] = 7;
        FixEntryCrc(image, 0, 5);

        Assert.Equal("`hw_rev` is in namespace index 7, which no namespace entry defines.", SingleProblem(image, NvsProblemCodes.Namespace).Message);
    }

    [Fact]
    public void Read_IntegerPaddingNotFf_IsAPaddingProblem()
    {
        var image = Image();
        image[Offset(0, 5) + 25] = 0;
        FixEntryCrc(image, 0, 5);

        Assert.Equal(NvsProblemCodes.Padding, SingleProblem(image, NvsProblemCodes.Padding).Code);
    }

    [Fact]
    public void Read_KeyWithoutNul_IsAKeyProblem()
    {
        var image = Image();
        "0123456789abcdef"u8.CopyTo(image.AsSpan(Offset(0, 5) + 8));
        FixEntryCrc(image, 0, 5);

        Assert.Contains("fills all 16 bytes", SingleProblem(image, NvsProblemCodes.Key).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedImage_IsAnImageSizeProblem()
    {
        var problems = NvsReader.Read(Image().AsSpan(0, 5000)).Problems;

        Assert.Equal(NvsProblemCodes.ImageSize, problems[0].Code);
    }

    [Fact]
    public void Read_AnyFlippedByteOfAUsedEntry_IsNoticed()
    {
        var original = Image();
        var used = NvsReader.Read(original).Pages.SelectMany(p => Enumerable.Range(0, 126).Where(e => p.EntryStates[e] == NvsEntryState.Written).Select(e => Offset(p.Index, e))).ToList();

        foreach (int entry in used)
        {
            for (int b = 0; b < 32; b++)
            {
                var image = (byte[])original.Clone();
                image[entry + b] ^= 0x10;
                Assert.False(NvsReader.Read(image).IsValid, $"flipping byte 0x{entry + b:X} went unnoticed");
            }
        }
    }
}
