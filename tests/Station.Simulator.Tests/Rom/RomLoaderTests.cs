using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Simulator.Tests.Support;

namespace Station.Simulator.Tests.Rom;

public sealed class RomLoaderTests
{
    public static TheoryData<string> MainChips => new() { "esp32", "esp32s3", "esp32c3", "esp8266" };

    public static TheoryData<string> Esp32Family => new() { "esp32", "esp32s3", "esp32c3" };

    [Theory]
    [MemberData(nameof(MainChips))]
    public async Task Sync_ValidPattern_EightRepliesWithChipStatusAndNonZeroValue(string key)
    {
        var chip = WireProbe.Chip(key);
        await using var probe = WireProbe.Start(chip);

        var replies = await probe.SyncAsync();

        Assert.Equal(8, replies.Count);
        Assert.All(replies, r =>
        {
            Assert.Equal(new byte[chip.StatusLength], r.Data);
            Assert.NotEqual(0u, r.Value);
        });
        Assert.Equal(chip.Kind == ChipKind.Esp32 ? 0x5520_1207u : 0x2012_0707u, replies[0].Value);
        await probe.AssertSilentAsync(TimeSpan.FromMilliseconds(100));
    }

    [Theory]
    [MemberData(nameof(MainChips))]
    public async Task ReadReg_MagicRegister_ReturnsChipMagic(string key)
    {
        var chip = WireProbe.Chip(key);
        await using var probe = WireProbe.Start(chip);

        var reply = await probe.CommandAsync(Requests.ReadReg(ChipCatalogue.MagicRegister));

        Assert.Equal(chip.MagicValues[0], reply.Value);
        Assert.Equal(new byte[chip.StatusLength], reply.Data);
    }

    [Fact]
    public async Task ReadReg_Esp32MagicRegister_MatchesRealTraceBytes()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32);

        var reply = await probe.CommandAsync(Requests.ReadReg(0x4000_1000));

        Assert.Equal("010A0400831DF00000000000", Convert.ToHexString(reply.Frame));
    }

    [Theory]
    [MemberData(nameof(MainChips))]
    public async Task ReadReg_MacWords_DecodeToTheDeviceMac(string key)
    {
        var chip = WireProbe.Chip(key);
        await using var probe = WireProbe.Start(chip);

        uint mac0 = (await probe.CommandAsync(Requests.ReadReg(chip.Mac.Mac0))).Value;
        uint mac1 = (await probe.CommandAsync(Requests.ReadReg(chip.Mac.Mac1))).Value;

        // Decoded by hand with the reference formula (esp-serial-protocol.md §10.2).
        byte[] mac;
        if (chip.Mac.Esp8266Mac3 is { } mac3Address)
        {
            uint mac3 = (await probe.CommandAsync(Requests.ReadReg(mac3Address))).Value;
            Assert.Equal(0u, mac3);
            Assert.Equal(0u, (mac1 >> 16) & 0xFF);
            mac = [0x18, 0xFE, 0x34, (byte)(mac1 >> 8), (byte)mac1, (byte)(mac0 >> 24)];
        }
        else
        {
            mac = [(byte)(mac1 >> 8), (byte)mac1, (byte)(mac0 >> 24), (byte)(mac0 >> 16), (byte)(mac0 >> 8), (byte)mac0];
        }

        Assert.Equal(probe.Device.Mac.GetBytes(), mac);
    }

    [Theory]
    [InlineData("esp32", 347)]
    [InlineData("esp32s3", 347)]
    [InlineData("esp32c3", 347)]
    [InlineData("esp8266", 451)]
    public async Task ReadReg_UartClockDivider_GivesTheCrystalAt115200(string key, uint expected)
    {
        var chip = WireProbe.Chip(key);
        await using var probe = WireProbe.Start(chip);

        uint divider = (await probe.CommandAsync(Requests.ReadReg(chip.UartClockDivider))).Value & 0xFFFFF;

        Assert.Equal(expected, divider);
    }

    [Theory]
    [InlineData("esp32", (byte)Opcode.GetSecurityInfo)]
    [InlineData("esp8266", (byte)Opcode.GetSecurityInfo)]
    [InlineData("esp8266", (byte)Opcode.SpiAttach)]
    [InlineData("esp8266", (byte)Opcode.ChangeBaudrate)]
    [InlineData("esp8266", (byte)Opcode.SpiFlashMd5)]
    [InlineData("esp8266", (byte)Opcode.FlashDeflBegin)]
    [InlineData("esp8266", (byte)Opcode.ReadFlashSlow)]
    [InlineData("esp32", (byte)Opcode.EraseFlash)]
    [InlineData("esp32s3", (byte)Opcode.ReadFlash)]
    [InlineData("esp32c3", 0x42)]
    public async Task UnsupportedOpcode_Rom_RepliesInvalidMessage(string key, byte opcode)
    {
        var chip = WireProbe.Chip(key);
        await using var probe = WireProbe.Start(chip);

        var reply = await probe.CommandAsync(new Command((Opcode)opcode, new byte[8]));

        Assert.Equal(chip.StatusLength == 4 ? "01050000" : "0105", reply.DataHex);
    }

    [Theory]
    [InlineData("esp32s2", 12, null)]
    [InlineData("esp32s3", 20, 9)]
    [InlineData("esp32c3", 20, 5)]
    [InlineData("esp32c6", 20, 13)]
    [InlineData("esp32h2", 20, 16)]
    public async Task GetSecurityInfo_Rom_ReturnsChipLayout(string key, int length, int? chipId)
    {
        await using var probe = WireProbe.Start(WireProbe.Chip(key));

        var reply = await probe.CommandAsync(Requests.GetSecurityInfo());

        Assert.Equal(length + 4, reply.Data.Length);
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(reply.Data));
        Assert.Equal(new byte[4], reply.Data[length..]);
        if (chipId is { } id)
        {
            Assert.Equal((uint)id, BinaryPrimitives.ReadUInt32LittleEndian(reply.Data.AsSpan(12)));
        }
    }

    [Fact]
    public async Task StaleValue_AfterReadReg_CarriedByLaterReplies()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32);
        await probe.SyncAsync();

        var attach = await probe.CommandAsync(Requests.SpiAttach(0, forRom: true));
        Assert.Equal(0x5520_1207u, attach.Value);
        await probe.CommandAsync(Requests.ReadReg(ChipCatalogue.MagicRegister));
        var setParams = await probe.CommandAsync(Requests.SpiSetParams(4 * 1024 * 1024));

        Assert.Equal(0x00F0_1D83u, setParams.Value);
    }

    [Fact]
    public async Task Request_DirectionNotZero_IsIgnored()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32);
        await probe.ReadNoiseUntilAsync("waiting for download");
        byte[] packet = Requests.ReadReg(ChipCatalogue.MagicRegister).ToPacket();
        packet[0] = 1;

        await probe.SendFrameAsync(packet);

        await probe.AssertSilentAsync(TimeSpan.FromMilliseconds(150));
    }

    [Theory]
    [MemberData(nameof(MainChips))]
    public async Task MemData_BadChecksum_RomInvalidCrc(string key)
    {
        var chip = WireProbe.Chip(key);
        await using var probe = WireProbe.Start(chip);
        await probe.CommandAsync(Requests.MemBegin(16, 1, 0x1800, 0x4008_0000));
        var command = Requests.MemData(0, new byte[16]);
        command = command with { Checksum = command.Checksum ^ 0x5A };

        var reply = await probe.CommandAsync(command);

        Assert.Equal(chip.StatusLength == 4 ? "01070000" : "0107", reply.DataHex);
    }

    [Theory]
    [MemberData(nameof(MainChips))]
    public async Task FlashWrite_Uncompressed_FlashEqualsImageAndMd5IsHex(string key)
    {
        var chip = WireProbe.Chip(key);
        await using var probe = WireProbe.Start(chip);
        byte[] image = Images.Pattern(5000);
        const uint offset = 0x10000;
        uint blocks = (uint)((image.Length + 0x3FF) / 0x400);

        Assert.Equal(0, (await probe.CommandAsync(Requests.FlashBegin((uint)image.Length, blocks, 0x400, offset))).Data[0]);
        uint seq = 0;
        foreach (byte[] block in Images.Blocks(image, 0x400, padWithFf: true))
        {
            Assert.Equal(0, (await probe.CommandAsync(Requests.FlashData(seq++, block))).Data[0]);
        }

        Assert.Equal(image, probe.Device.Flash.Read(offset, image.Length));
        var md5 = await probe.CommandAsync(Requests.SpiFlashMd5(offset, (uint)image.Length));
        if (chip.Kind == ChipKind.Esp8266)
        {
            Assert.Equal("0105", md5.DataHex);
        }
        else
        {
            Assert.Equal(Convert.ToHexStringLower(MD5.HashData(image)), Encoding.ASCII.GetString(md5.Data, 0, 32));
            Assert.Equal(new byte[4], md5.Data[32..]);
        }
    }

    [Theory]
    [MemberData(nameof(Esp32Family))]
    public async Task FlashWrite_RomDeflate_FlashEqualsImage(string key)
    {
        var chip = WireProbe.Chip(key);
        await using var probe = WireProbe.Start(chip);
        byte[] image = Images.Pattern(20000, seed: 3);
        byte[] compressed = Images.Zlib(image);
        const uint offset = 0x8000;
        uint eraseSize = (uint)((image.Length + 0x3FF) / 0x400 * 0x400);
        uint blocks = (uint)((compressed.Length + 0x3FF) / 0x400);
        uint? fifth = chip.Rom == RomFamily.Esp32S2OrNewer ? 0 : null;

        Assert.Equal(0, (await probe.CommandAsync(Requests.FlashDeflBegin(eraseSize, blocks, 0x400, offset, fifth))).Data[0]);
        uint seq = 0;
        foreach (byte[] block in Images.Blocks(compressed, 0x400, padWithFf: false))
        {
            Assert.Equal(0, (await probe.CommandAsync(Requests.FlashDeflData(seq++, block))).Data[0]);
        }

        Assert.Equal(image, probe.Device.Flash.Read(offset, image.Length));
    }

    [Fact]
    public async Task FlashBegin_FiveWordsOnEsp32Rom_Accepted()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32);

        var reply = await probe.CommandAsync(Requests.FlashBegin(0x1000, 4, 0x400, 0, fifthWord: 0));

        Assert.Equal("00000000", reply.DataHex);
    }

    [Fact]
    public async Task FlashData_OverUnerasedFlash_RomFlashWriteError()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32);
        probe.Device.Flash.Program(0x2000, new byte[0x400]);

        // Announce 0x1000 bytes at 0x1000, then write past the erased sector into 0x2000.
        await probe.CommandAsync(Requests.FlashBegin(0x1000, 5, 0x400, 0x1000));
        uint seq = 0;
        Reply? last = null;
        foreach (byte[] block in Images.Blocks(Images.Pattern(0x1400), 0x400, padWithFf: true))
        {
            last = await probe.CommandAsync(Requests.FlashData(seq++, block));
        }

        Assert.Equal("01080000", last!.DataHex);
    }

    [Theory]
    [InlineData(2080u, 0u, 4096u)]
    [InlineData(102416u, 0x3000u, 53248u)]
    public async Task FlashWrite_Esp8266EraseQuirk_EsptoolSizesGiveCorrectFlash(uint size, uint offset, uint announced)
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp8266);
        probe.Device.Flash.Program(0, new byte[probe.Device.Flash.Size / 8]);
        byte[] image = Images.Pattern((int)size, seed: 5);
        uint blocks = (size + 0x3FF) / 0x400;

        Assert.Equal("0000", (await probe.CommandAsync(Requests.FlashBegin(announced, blocks, 0x400, offset))).DataHex);
        uint seq = 0;
        foreach (byte[] block in Images.Blocks(image, 0x400, padWithFf: true))
        {
            Assert.Equal("0000", (await probe.CommandAsync(Requests.FlashData(seq++, block))).DataHex);
        }

        Assert.Equal(image, probe.Device.Flash.Read(offset, image.Length));
    }

    [Fact]
    public async Task ReadFlashSlow_Rom_Always64BytesPlusStatus()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32S3);
        byte[] data = Images.Pattern(64);
        probe.Device.Flash.Program(0x3000, data);

        var reply = await probe.CommandAsync(Requests.ReadFlashSlow(0x3000, 16));

        Assert.Equal(68, reply.Data.Length);
        Assert.Equal(data[..16], reply.Data[..16]);
        Assert.Equal(new byte[4], reply.Data[64..]);
    }

    [Theory]
    [MemberData(nameof(MainChips))]
    public async Task SpiUserCommand_Rdid_ReturnsJedecIdAndClearsCmd(string key)
    {
        var chip = WireProbe.Chip(key);
        await using var probe = WireProbe.Start(chip);
        var spi = chip.Spi;

        await probe.CommandAsync(Requests.WriteReg(spi.Usr, 0x9000_0000));
        await probe.CommandAsync(Requests.WriteReg(spi.Usr2, 0x7000_009F));
        await probe.CommandAsync(Requests.WriteReg(spi.W0, 0));
        await probe.CommandAsync(Requests.WriteReg(spi.Cmd, 1u << 18));
        uint cmd = (await probe.CommandAsync(Requests.ReadReg(spi.Cmd))).Value;
        uint id = (await probe.CommandAsync(Requests.ReadReg(spi.W0))).Value;

        Assert.Equal(0u, cmd & (1u << 18));
        Assert.Equal(0x1640EFu, id);
    }

    [Fact]
    public async Task ChangeBaudrate_Rom_ReplyAtOldRateThenNewRate()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32);

        var reply = await probe.CommandAsync(Requests.ChangeBaudrate(460800, 0));
        await probe.Host.SetBaudAsync(460800, CancellationToken.None);
        uint divider = (await probe.CommandAsync(Requests.ReadReg(ChipCatalogue.Esp32.UartClockDivider))).Value;

        Assert.Equal("00000000", reply.DataHex);
        Assert.Equal(87u, divider);
    }
}
