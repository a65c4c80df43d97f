using System.Buffers.Binary;
using System.Security.Cryptography;
using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Simulator.Tests.Support;

namespace Station.Simulator.Tests.Stub;

public sealed class StubLoaderTests
{
    public static TheoryData<string> MainChips => new() { "esp32", "esp32s3", "esp32c3", "esp8266" };

    private static async Task<WireProbe> StubAsync(ChipSpec chip)
    {
        var probe = WireProbe.Start(chip);
        await StubUpload.RunAsync(probe);
        return probe;
    }

    [Theory]
    [MemberData(nameof(MainChips))]
    public async Task MemEnd_EntryInsideUploadedCode_OhaiThenStubStatusAndSyncValueZero(string key)
    {
        await using var probe = await StubAsync(WireProbe.Chip(key));

        var replies = await probe.SyncAsync();
        var unknown = await probe.CommandAsync(new Command((Opcode)0x42, Array.Empty<byte>()));

        Assert.All(replies, r =>
        {
            Assert.Equal(0u, r.Value);
            Assert.Equal("0000", r.DataHex);
        });
        Assert.Equal("FF00", unknown.DataHex);
    }

    [Fact]
    public async Task MemEnd_EntryOutsideUploadedCode_DeviceGoesSilent()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32);
        await probe.CommandAsync(Requests.MemBegin(16, 1, 0x1800, 0x4008_0000));
        await probe.CommandAsync(Requests.MemData(0, new byte[16]));

        var reply = await probe.CommandAsync(Requests.MemEnd(0x4009_0000));
        await probe.SendAsync(Requests.Sync());

        Assert.Equal("00000000", reply.DataHex);
        await probe.AssertSilentAsync(TimeSpan.FromMilliseconds(150));
    }

    [Fact]
    public async Task ReadReg_Stub_ValueInHeaderTwoStatusBytes()
    {
        await using var probe = await StubAsync(ChipCatalogue.Esp32S3);

        var reply = await probe.CommandAsync(Requests.ReadReg(ChipCatalogue.MagicRegister));

        Assert.Equal(9u, reply.Value);
        Assert.Equal("0000", reply.DataHex);
    }

    [Theory]
    [MemberData(nameof(MainChips))]
    public async Task FlashWrite_StubDeflate_FlashEqualsImageAndMd5IsRaw(string key)
    {
        await using var probe = await StubAsync(WireProbe.Chip(key));
        byte[] image = Images.Pattern(70000, seed: 11);
        byte[] compressed = Images.Zlib(image);
        const uint offset = 0x10000;

        await WriteDeflatedAsync(probe, image.Length, compressed, offset, block: 0x4000);
        var end = await probe.CommandAsync(Requests.FlashDeflEnd(1));
        var md5 = await probe.CommandAsync(Requests.SpiFlashMd5(offset, (uint)image.Length));

        Assert.Equal("0000", end.DataHex);
        Assert.Equal(image, probe.Device.Flash.Read(offset, image.Length));
        Assert.Equal(MD5.HashData(image), md5.Data[..16]);
        Assert.Equal("0000", Convert.ToHexString(md5.Data[16..]));
    }

    [Fact]
    public async Task FlashWrite_StubPlain_TrimsPaddingAndErasesOnlyWhatTheDataReaches()
    {
        await using var probe = await StubAsync(ChipCatalogue.Esp32);
        var flash = probe.Device.Flash;
        flash.Program(0x20000, new byte[0x3000]);
        byte[] image = Images.Pattern(0x1800);

        await probe.CommandAsync(Requests.FlashBegin((uint)image.Length, 1, 0x4000, 0x20000));
        var data = await probe.CommandAsync(Requests.FlashData(0, Images.Blocks(image, 0x4000, padWithFf: true).Single()));
        var end = await probe.CommandAsync(Requests.FlashEnd(1));

        Assert.Equal("0000", data.DataHex);
        Assert.Equal("0000", end.DataHex);
        Assert.Equal(image, flash.Read(0x20000, image.Length));
        Assert.All(flash.Read(0x21800, 0x800), b => Assert.Equal(0xFF, b));
        Assert.Equal(new byte[0x1000], flash.Read(0x22000, 0x1000));
    }

    [Fact]
    public async Task FlashEnd_FewerBytesThanAnnounced_C8()
    {
        await using var probe = await StubAsync(ChipCatalogue.Esp32);

        await probe.CommandAsync(Requests.FlashBegin(0x3000, 1, 0x4000, 0x20000));
        await probe.CommandAsync(Requests.FlashData(0, new byte[0x1000]));
        var end = await probe.CommandAsync(Requests.FlashEnd(1));

        Assert.Equal("C800", end.DataHex);
    }

    [Fact]
    public async Task FlashDeflData_CorruptStream_ReportedOnNextBlockAndAtEnd()
    {
        await using var probe = await StubAsync(ChipCatalogue.Esp32);
        byte[] image = Images.Pattern(40000, seed: 2);
        byte[] compressed = Images.Zlib(image);
        compressed[0] = 0x00; // not a zlib header

        await probe.CommandAsync(Requests.FlashDeflBegin((uint)image.Length, 2, 0x4000, 0x10000));
        var first = await probe.CommandAsync(Requests.FlashDeflData(0, compressed.AsSpan(0, 0x1000)));
        var second = await probe.CommandAsync(Requests.FlashDeflData(1, compressed.AsSpan(0x1000, 0x1000)));
        var end = await probe.CommandAsync(Requests.FlashDeflEnd(1));

        Assert.Equal("0000", first.DataHex);
        Assert.Equal("C700", second.DataHex);
        Assert.Equal("C800", end.DataHex);
    }

    [Theory]
    [InlineData(4, "0000")]
    [InlineData(5, "C900")]
    public async Task FlashDeflData_BytesAfterStreamEnd_AtMostFourAccepted(int extra, string expectedEnd)
    {
        await using var probe = await StubAsync(ChipCatalogue.Esp32C3);
        byte[] image = Images.Pattern(3000, seed: 4);
        byte[] compressed = Images.Zlib(image);

        // Strip the Adler-32 and append `extra` bytes after the deflate data instead.
        byte[] sent = [.. compressed.AsSpan(0, compressed.Length - 4), .. new byte[extra]];
        await probe.CommandAsync(Requests.FlashDeflBegin((uint)image.Length, 1, 0x4000, 0));
        await probe.CommandAsync(Requests.FlashDeflData(0, sent));
        var end = await probe.CommandAsync(Requests.FlashDeflEnd(1));

        Assert.Equal(expectedEnd, end.DataHex);
        Assert.Equal(image, probe.Device.Flash.Read(0, image.Length));
    }

    [Fact]
    public async Task Request_DataFieldOver0x4010Bytes_C0EE()
    {
        await using var probe = await StubAsync(ChipCatalogue.Esp32);
        await probe.CommandAsync(Requests.FlashBegin(0x8000, 1, 0x4000, 0));

        var reply = await probe.CommandAsync(Requests.FlashData(0, new byte[0x4001]));

        Assert.Equal("C0EE", reply.DataHex);
    }

    [Fact]
    public async Task FlashData_BadChecksum_C1()
    {
        await using var probe = await StubAsync(ChipCatalogue.Esp32);
        await probe.CommandAsync(Requests.FlashBegin(0x400, 1, 0x400, 0));
        var command = Requests.FlashData(0, new byte[0x400]);

        var reply = await probe.CommandAsync(command with { Checksum = command.Checksum ^ 1 });

        Assert.Equal("C100", reply.DataHex);
    }

    [Fact]
    public async Task FlashData_LengthWordWrong_C0()
    {
        await using var probe = await StubAsync(ChipCatalogue.Esp32);
        await probe.CommandAsync(Requests.FlashBegin(0x400, 1, 0x400, 0));
        byte[] data = Requests.FlashData(0, new byte[0x400]).Data.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(data, 0x3FF);

        var reply = await probe.CommandAsync(new Command(Opcode.FlashData, data, 0xEF));

        Assert.Equal("C000", reply.DataHex);
    }

    [Fact]
    public async Task FlashBegin_StubRules_FiveWordsC0BigBlockC2AndNoBeginC6()
    {
        await using var probe = await StubAsync(ChipCatalogue.Esp32S3);

        var noBegin = await probe.CommandAsync(Requests.FlashData(0, new byte[16]));
        var fiveWords = await probe.CommandAsync(Requests.FlashBegin(0x1000, 1, 0x400, 0, fifthWord: 0));
        var bigBlock = await probe.CommandAsync(Requests.FlashBegin(0x1000, 1, 0x8000, 0));
        var endOutside = await probe.CommandAsync(Requests.FlashEnd(1));

        Assert.Equal("C600", noBegin.DataHex);
        Assert.Equal("C000", fiveWords.DataHex);
        Assert.Equal("C200", bigBlock.DataHex);
        Assert.Equal("C600", endOutside.DataHex);
    }

    [Fact]
    public async Task MemData_BadChecksum_StubC1()
    {
        await using var probe = await StubAsync(ChipCatalogue.Esp32);
        await probe.CommandAsync(Requests.MemBegin(16, 1, 0x1800, 0x3FFE_0000));
        var command = Requests.MemData(0, new byte[16]);

        var reply = await probe.CommandAsync(command with { Checksum = command.Checksum ^ 0x11 });

        Assert.Equal("C100", reply.DataHex);
    }

    [Fact]
    public async Task EraseRegion_AlignedAndUnaligned_ErasesOrRawCodes()
    {
        await using var probe = await StubAsync(ChipCatalogue.Esp32);
        var flash = probe.Device.Flash;
        flash.Program(0x10000, new byte[0x3000]);

        var ok = await probe.CommandAsync(Requests.EraseRegion(0x10000, 0x2000));
        var badAddress = await probe.CommandAsync(Requests.EraseRegion(0x10001, 0x1000));
        var badLength = await probe.CommandAsync(Requests.EraseRegion(0x10000, 0x1001));

        Assert.Equal("0000", ok.DataHex);
        Assert.Equal("3200", badAddress.DataHex);
        Assert.Equal("3300", badLength.DataHex);
        Assert.All(flash.Read(0x10000, 0x2000), b => Assert.Equal(0xFF, b));
        Assert.Equal(new byte[0x1000], flash.Read(0x12000, 0x1000));
    }

    [Fact]
    public async Task ReadFlash_WithAcks_PacketsThenRawMd5()
    {
        await using var probe = await StubAsync(ChipCatalogue.Esp32);
        byte[] data = Images.Pattern(10000, seed: 8);
        probe.Device.Flash.Program(0x4000, data);

        var reply = await probe.CommandAsync(Requests.ReadFlash(0x4000, (uint)data.Length, 0x1000, 64));
        var received = new List<byte>();
        while (received.Count < data.Length)
        {
            byte[] packet = await probe.ReadFrameAsync();
            Assert.True(packet.Length == 0x1000 || received.Count + packet.Length == data.Length);
            received.AddRange(packet);
            await probe.SendFrameAsync(Requests.ReadFlashAck((uint)received.Count));
        }

        byte[] digest = await probe.ReadFrameAsync();

        Assert.Equal("0000", reply.DataHex);
        Assert.Equal(data, received.ToArray());
        Assert.Equal(MD5.HashData(data), digest);
    }

    [Fact]
    public async Task ReadFlash_AcksWithheld_StopsAtMaxInFlight()
    {
        await using var probe = await StubAsync(ChipCatalogue.Esp32);

        await probe.CommandAsync(Requests.ReadFlash(0, 0x5000, 0x1000, 2));
        byte[] first = await probe.ReadFrameAsync();
        byte[] second = await probe.ReadFrameAsync();

        Assert.Equal(0x1000, first.Length);
        Assert.Equal(0x1000, second.Length);
        await Assert.ThrowsAsync<TimeoutException>(() => probe.ReadFrameAsync(TimeSpan.FromMilliseconds(200)));
        await probe.SendFrameAsync(Requests.ReadFlashAck(0x1000));
        Assert.Equal(0x1000, (await probe.ReadFrameAsync()).Length);
    }

    [Fact]
    public async Task WriteReg_Mask_KeepsUnmaskedBits()
    {
        await using var probe = await StubAsync(ChipCatalogue.Esp32);
        const uint register = 0x3FF4_4000;

        await probe.CommandAsync(Requests.WriteReg(register, 0x1234_5678));
        await probe.CommandAsync(Requests.WriteReg(register, 0xABCD_0000, mask: 0xFFFF_0000));
        var read = await probe.CommandAsync(Requests.ReadReg(register));

        Assert.Equal(0xABCD_5678u, read.Value);
    }

    [Theory]
    [InlineData("esp32", "FF00")]
    [InlineData("esp8266", "FF00")]
    [InlineData("esp32s2", "000000000000000000000000" + "0000")]
    public async Task GetSecurityInfo_Stub_PerChip(string key, string expected)
    {
        await using var probe = await StubAsync(WireProbe.Chip(key));

        var reply = await probe.CommandAsync(Requests.GetSecurityInfo());

        Assert.Equal(expected, reply.DataHex);
    }

    [Fact]
    public async Task FlashEnd_FlagZero_RebootsIntoTheAppAndStopsAnswering()
    {
        await using var probe = await StubAsync(ChipCatalogue.Esp32);
        await probe.CommandAsync(Requests.FlashBegin(0, 0, 0x4000, 0));

        var end = await probe.CommandAsync(Requests.FlashEnd(0));
        string log = await probe.ReadNoiseUntilAsync("invalid header: 0xffffffff");
        await probe.SendAsync(Requests.Sync());

        Assert.Equal("0000", end.DataHex);
        Assert.Contains("rst:0x3 (SW_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)", log, StringComparison.Ordinal);
        await probe.AssertSilentAsync(TimeSpan.FromMilliseconds(150));
    }

    private static async Task WriteDeflatedAsync(WireProbe probe, int size, byte[] compressed, uint offset, int block)
    {
        uint blocks = (uint)((compressed.Length + block - 1) / block);
        Assert.Equal("0000", (await probe.CommandAsync(Requests.FlashDeflBegin((uint)size, blocks, (uint)block, offset))).DataHex);
        uint seq = 0;
        foreach (byte[] chunk in Images.Blocks(compressed, block, padWithFf: false))
        {
            Assert.Equal("0000", (await probe.CommandAsync(Requests.FlashDeflData(seq++, chunk))).DataHex);
        }
    }
}
