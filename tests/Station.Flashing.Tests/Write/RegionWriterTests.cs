using System.Buffers.Binary;
using System.IO.Compression;
using Station.Flashing.Errors;
using Station.Flashing.Events;
using Station.Flashing.Tests.Support;
using Station.Flashing.Write;
using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Protocol.Images;
using Station.Protocol.Status;

namespace Station.Flashing.Tests.Write;

public class RegionWriterTests
{
    private static readonly byte[] Image = MakeImage(50_000);

    [Fact]
    public async Task Write_CompressedThroughS3Rom_UsesFiveWordBeginRoundedToRomBlocks()
    {
        var rom = new ScriptedRom(ChipCatalogue.Esp32S3);
        await using var device = new ScriptedDevice(rom.Handle);
        var esp = await Connected.ToAsync(device);
        var region = Prepare(ChipCatalogue.Esp32S3, 0x10000);

        await esp.WriteRegionAsync(region, compress: true, CancellationToken.None);

        var begin = Assert.Single(device.ReceivedList, c => c.Opcode == Opcode.FlashDeflBegin);
        uint[] words = Words(begin);
        Assert.Equal([50_176u, (uint)((region.Compressed!.Length + 0x3FF) / 0x400), 0x400u, 0x10000u, 0u], words);
        Assert.Equal(region.Data, Inflate(DataPayloads(device, Opcode.FlashDeflData)));
        Assert.All(device.ReceivedList.Where(c => c.Opcode == Opcode.FlashDeflData), c => Assert.True(c.Data.Length - 16 <= 0x400));
        Assert.DoesNotContain(device.ReceivedList, c => c.Opcode == Opcode.FlashDeflEnd);
    }

    [Fact]
    public async Task Write_CompressedThroughStub_UsesExactSizeAndEndsFlashModeToCollectDeferredErrors()
    {
        var rom = new ScriptedRom(ChipCatalogue.Esp32, stubRunning: true);
        await using var device = new ScriptedDevice(rom.Handle);
        var esp = await Connected.ToAsync(device);
        var region = Prepare(ChipCatalogue.Esp32, 0x10000);

        await esp.WriteRegionAsync(region, compress: true, CancellationToken.None);

        var begin = Assert.Single(device.ReceivedList, c => c.Opcode == Opcode.FlashDeflBegin);
        Assert.Equal([50_000u, (uint)((region.Compressed!.Length + 0x3FFF) / 0x4000), 0x4000u, 0x10000u], Words(begin));
        var end = Assert.Single(device.ReceivedList, c => c.Opcode == Opcode.FlashDeflEnd);
        Assert.Equal([1u], Words(end));
        Assert.Equal(region.Data, Inflate(DataPayloads(device, Opcode.FlashDeflData)));
    }

    [Fact]
    public async Task Write_PlainThroughEsp8266Rom_SendsTheEraseQuirkAndPaddedBlocks()
    {
        var rom = new ScriptedRom(ChipCatalogue.Esp8266);
        await using var device = new ScriptedDevice(rom.Handle);
        var events = new EventLog();
        var esp = await Connected.ToAsync(device, events);
        var image = MakeImage(102_416);
        var region = FlashPlan.Prepare([new ImageSource(0x3000, image, "app.bin")], ChipCatalogue.Esp8266, FlashSettings.Keep, compress: true).Regions[0];

        await esp.WriteRegionAsync(region, compress: true, CancellationToken.None);
        bool verified = await esp.VerifyRegionAsync(region, CancellationToken.None);

        var begin = Assert.Single(device.ReceivedList, c => c.Opcode == Opcode.FlashBegin);
        Assert.Equal([53_248u, 101u, 0x400u, 0x3000u], Words(begin));
        byte[] sent = DataPayloads(device, Opcode.FlashData);
        Assert.Equal(101 * 0x400, sent.Length);
        Assert.Equal(image, sent[..image.Length]);
        Assert.All(sent[image.Length..], b => Assert.Equal(0xFF, b));
        Assert.False(verified);
        Assert.Single(events.Of<RegionUnverified>());
        Assert.DoesNotContain(device.ReceivedList, c => c.Opcode == Opcode.SpiFlashMd5);
    }

    [Fact]
    public async Task Write_PlainThroughEsp32Rom_SendsFourWordBegin()
    {
        var rom = new ScriptedRom(ChipCatalogue.Esp32);
        await using var device = new ScriptedDevice(rom.Handle);
        var esp = await Connected.ToAsync(device);
        var region = Prepare(ChipCatalogue.Esp32, 0x10000);

        await esp.WriteRegionAsync(region, compress: false, CancellationToken.None);

        Assert.Equal([50_000u, 49u, 0x400u, 0x10000u], Words(Assert.Single(device.ReceivedList, c => c.Opcode == Opcode.FlashBegin)));
    }

    [Fact]
    public async Task Write_BlockRejectedWithChecksumError_IsResentWithTheSameSequence()
    {
        var rom = new ScriptedRom(ChipCatalogue.Esp32);
        int rejected = 0;
        rom.Override = async (command, d) =>
        {
            if (command.Opcode == Opcode.FlashDeflData && BinaryPrimitives.ReadUInt32LittleEndian(command.Data.Span[4..]) == 1 && rejected++ == 0)
            {
                await d.Fail(command, LoaderKind.Esp32Rom, (byte)RomErrorCode.InvalidCrc);
                return true;
            }

            return false;
        };
        await using var device = new ScriptedDevice(rom.Handle);
        var events = new EventLog();
        var esp = await Connected.ToAsync(device, events);
        var region = FlashPlan.Prepare([new ImageSource(0x10000, MakeImage(20_000, random: true), "app.bin")], ChipCatalogue.Esp32, FlashSettings.Keep, true).Regions[0];

        await esp.WriteRegionAsync(region, compress: true, CancellationToken.None);

        var sequences = device.ReceivedList.Where(c => c.Opcode == Opcode.FlashDeflData)
            .Select(c => BinaryPrimitives.ReadUInt32LittleEndian(c.Data.Span[4..])).ToList();
        Assert.Equal(2, sequences.Count(s => s == 1));
        var retry = Assert.Single(events.Of<BlockRetried>());
        Assert.Equal(1, retry.Block);
        Assert.Equal(ErrorCodes.LinkCorrupt, retry.Reason.Code);
    }

    [Fact]
    public async Task Write_StubReportsDeferredInflateErrorAtEnd_FailsTheRegionWithItsCause()
    {
        var rom = new ScriptedRom(ChipCatalogue.Esp32S3, stubRunning: true)
        {
            Override = async (command, d) =>
            {
                if (command.Opcode != Opcode.FlashDeflEnd)
                {
                    return false;
                }

                await d.Fail(command, LoaderKind.Stub, (byte)StubErrorCode.InflateError);
                return true;
            },
        };
        await using var device = new ScriptedDevice(rom.Handle);
        var esp = await Connected.ToAsync(device);

        var e = await Assert.ThrowsAsync<FlashException>(() => esp.WriteRegionAsync(Prepare(ChipCatalogue.Esp32S3, 0x10000), true, CancellationToken.None));

        Assert.Equal(ErrorCodes.Deflate, e.Error.Code);
        Assert.Equal("InflateError 0xC7", e.Error.Details["device_error"]);
    }

    [Fact]
    public async Task Verify_DigestDiffers_FailsWithBothDigests()
    {
        var rom = new ScriptedRom(ChipCatalogue.Esp32C3, stubRunning: true);
        await using var device = new ScriptedDevice(rom.Handle);
        var esp = await Connected.ToAsync(device);
        var region = Prepare(ChipCatalogue.Esp32C3, 0x10000);

        var e = await Assert.ThrowsAsync<FlashException>(() => esp.VerifyRegionAsync(region, CancellationToken.None));

        Assert.Equal(ErrorCodes.VerifyMd5Mismatch, e.Error.Code);
        Assert.Equal(region.Md5, e.Error.Details["expected_md5"]);
        Assert.Equal(new string('0', 32), e.Error.Details["actual_md5"]);
        var md5 = Assert.Single(device.ReceivedList, c => c.Opcode == Opcode.SpiFlashMd5);
        Assert.Equal([0x10000u, 50_000u, 0u, 0u], Words(md5));
    }

    [Fact]
    public void CompressedImage_InflatedUpperBound_NeverUnderestimatesABlock()
    {
        byte[] data = [.. MakeImage(100_000, random: true), .. Enumerable.Repeat((byte)0xFF, 300_000)];
        var image = CompressedImage.Compress(data, CompressionEffort.Fast);
        int total = 0;
        for (int start = 0; start < image.Length; start += 0x400)
        {
            int end = Math.Min(start + 0x400, image.Length);
            int bound = image.InflatedUpperBound(start, end);
            int actual = Inflate(image.Bytes[..end]).Length - Inflate(image.Bytes[..start]).Length;
            Assert.True(bound >= actual, $"block at {start}: bound {bound} < actual {actual}");
            total += actual;
        }

        Assert.Equal(data.Length, total);
    }

    private static PreparedRegion Prepare(ChipSpec chip, uint address) =>
        FlashPlan.Prepare([new ImageSource(address, Image, "app.bin")], chip, FlashSettings.Keep, compress: true).Regions[0];

    private static uint[] Words(Command command)
    {
        byte[] data = command.Data.ToArray();
        return Enumerable.Range(0, data.Length / 4).Select(i => BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(i * 4))).ToArray();
    }

    private static byte[] DataPayloads(ScriptedDevice device, Opcode op)
    {
        // Keep the last copy of each sequence number (retries resend the same block).
        var blocks = new SortedDictionary<uint, byte[]>();
        foreach (var c in device.ReceivedList.Where(c => c.Opcode == op))
        {
            blocks[BinaryPrimitives.ReadUInt32LittleEndian(c.Data.Span[4..])] = c.Data.Span[16..].ToArray();
        }

        return blocks.Values.SelectMany(b => b).ToArray();
    }

    private static byte[] Inflate(byte[] zlib)
    {
        using var input = new MemoryStream(zlib);
        using var inflater = new ZLibStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        try
        {
            inflater.CopyTo(output);
        }
        catch (InvalidDataException)
        {
            // A prefix of the stream: keep what inflated so far.
        }

        return output.ToArray();
    }

    private static byte[] MakeImage(int length, bool random = false)
    {
        var bytes = new byte[length];
        if (random)
        {
            new Random(length).NextBytes(bytes);
        }
        else
        {
            for (int i = 0; i < length; i++)
            {
                bytes[i] = (byte)(i * 7 % 251);
            }
        }

        return bytes;
    }
}
