using Station.Protocol.Commands;
using Station.Protocol.Slip;

namespace Station.Protocol.Tests.Commands;

public class RequestsTests
{
    [Fact]
    public void Sync_Packet_IsTheDocumentedThirtySixBytePattern()
    {
        byte[] packet = Requests.Sync().ToPacket();

        Assert.Equal(Hex.Bytes("00 08 2400 00000000 07071220" + string.Concat(Enumerable.Repeat("55", 32))), packet);
    }

    [Fact]
    public void ReadReg_MagicRegister_MatchesRealTrace()
    {
        // TX c0 00 0a 0400 00000000 00100040 c0 (ESP32 ROM trace, esp-serial-protocol.md §4).
        byte[] framed = SlipCodec.Encode(Requests.ReadReg(0x4000_1000).ToPacket());

        Assert.Equal(Hex.Bytes("c0 00 0a 0400 00000000 00100040 c0"), framed);
    }

    [Fact]
    public void MemBeginAndMemEnd_Esp32StubUpload_MatchVerifiedFrames()
    {
        Assert.Equal(Hex.Bytes("cc0d0000 01000000 00180000 00e00b40"), Requests.MemBegin(3532, 1, 0x1800, 0x400B_E000).Data.ToArray());
        Assert.Equal(Hex.Bytes("00000000 ece50b40"), Requests.MemEnd(0x400B_E5EC).Data.ToArray());
    }

    [Fact]
    public void MemEnd_NoEntry_SetsTheNoEntryWord()
    {
        Assert.Equal(Hex.Bytes("01000000 00000000"), Requests.MemEnd(0).Data.ToArray());
    }

    [Fact]
    public void FlashData_HeaderAndChecksum_FollowTheDataRule()
    {
        byte[] block = Hex.Bytes("01 02 03 04 05 06 07 08 09");
        var command = Requests.FlashData(7, block);

        Assert.Equal(Opcode.FlashData, command.Opcode);
        Assert.Equal(Hex.Bytes("09000000 07000000 00000000 00000000 010203040506070809"), command.Data.ToArray());
        Assert.Equal(0xEFu ^ 1 ^ 2 ^ 3 ^ 4 ^ 5 ^ 6 ^ 7 ^ 8 ^ 9, command.Checksum);
        Assert.Equal(Hex.Bytes("00 03 1900"), command.ToPacket()[..4]);
        Assert.Equal((byte)command.Checksum, command.ToPacket()[4]);
    }

    [Fact]
    public void DataChecksum_LongPayload_EqualsByteWiseXor()
    {
        var random = new Random(7);
        byte[] payload = new byte[1029];
        random.NextBytes(payload);
        byte expected = 0xEF;
        foreach (byte b in payload)
        {
            expected ^= b;
        }

        Assert.Equal(expected, DataChecksum.Compute(payload));
    }

    [Fact]
    public void FlashBegin_FifthWord_OnlyWhenGiven()
    {
        Assert.Equal(16, Requests.FlashBegin(102416, 101, 1024, 0x10000).Data.Length);
        Assert.Equal(Hex.Bytes("10900100 65000000 00040000 00000100 00000000"), Requests.FlashBegin(102416, 101, 1024, 0x10000, 0).Data.ToArray());
    }

    [Fact]
    public void FlashDeflBegin_StubVerifiedWords()
    {
        // Stub (102416, 7, 16384, 0x10000) [verified].
        Assert.Equal(Hex.Bytes("10900100 07000000 00400000 00000100"), Requests.FlashDeflBegin(102416, 7, 16384, 0x10000).Data.ToArray());
    }

    [Fact]
    public void ChangeBaudrate_CarriesNewThenOldBaud()
    {
        // esptool's verified payload [460800, 115200].
        Assert.Equal(Hex.Bytes("00080700 00c20100"), Requests.ChangeBaudrate(460800, 115200).Data.ToArray());
    }

    [Fact]
    public void SpiAttach_RomHasLegacyWord_StubDoesNot()
    {
        Assert.Equal(8, Requests.SpiAttach(0, forRom: true).Data.Length);
        Assert.Equal(4, Requests.SpiAttach(0, forRom: false).Data.Length);
    }

    [Fact]
    public void SpiSetParams_UsesEsptoolConstants()
    {
        Assert.Equal(Hex.Bytes("00000000 00004000 00000100 00100000 00010000 ffff0000"), Requests.SpiSetParams(4 * 1024 * 1024).Data.ToArray());
    }

    [Fact]
    public void ReadFlash_FourWords_AndAckIsRunningTotal()
    {
        Assert.Equal(Hex.Bytes("00000100 00100000 00100000 40000000"), Requests.ReadFlash(0x10000, 0x1000, 0x1000, 64).Data.ToArray());
        Assert.Equal(SlipCodec.Encode(Requests.ReadFlashAck(4096)), Hex.Bytes("c0 00 10 00 00 c0"));
    }

    [Fact]
    public void Command_TryParse_RoundTripsAPacket()
    {
        var original = Requests.FlashDeflData(3, Hex.Bytes("78 9c 01 02"));
        Assert.True(Command.TryParse(original.ToPacket(), out var parsed));
        Assert.Equal(original.Opcode, parsed.Opcode);
        Assert.Equal(original.Checksum, parsed.Checksum);
        Assert.Equal(original.Data.ToArray(), parsed.Data.ToArray());
    }
}
