using System.Security.Cryptography;
using Station.Protocol.Images;

namespace Station.Protocol.Tests.Images;

public class PartitionTableTests
{
    /// <summary>The factory row of esptool's test/images/partitions_singleapp.bin (§2.2).</summary>
    private const string FactoryRow = "aa 50 00 00 | 00 00 01 00 | 00 00 10 00 | 666163746f7279 000000000000000000 | 00 00 00 00";

    /// <summary>gen_esp32part's layout, packed independently with Python's struct ('&lt;2sBBLL16sL') and hashlib.</summary>
    private const string SingleAppWithMd5 =
        "aa50010200900000006000006e76730000000000000000000000000000000000" +
        "aa50010100f00000001000007068795f696e6974000000000000000000000000" +
        "aa5000000000010000001000666163746f727900000000000000000000000000" +
        "ebebfffffffffffffffffffffffffffff4ad4f4538564b5d7435b62c75b69524";

    [Fact]
    public void ToBytes_SingleFactoryApp_MatchesGenEsp32PartLayout()
    {
        byte[] table = PartitionTable.SingleFactoryApp().ToBytes();

        Assert.Equal(PartitionTable.MaxLength, table.Length);
        Assert.Equal(SingleAppWithMd5, Hex.Of(table.AsSpan(0, 128)));
        Assert.Equal(Hex.Of(Hex.Bytes(FactoryRow)), Hex.Of(table.AsSpan(64, 32)));
        Assert.All(table.AsSpan(128).ToArray(), b => Assert.Equal(0xFF, b));
    }

    [Fact]
    public void Parse_SingleFactoryApp_ReadsEveryField()
    {
        var table = PartitionTable.Parse(PartitionTable.SingleFactoryApp().ToBytes(), flashSize: 0x40_0000);

        Assert.True(table.HasMd5);
        Assert.Equal(3, table.Entries.Count);
        Assert.Equal(new PartitionTableEntry(PartitionType.Data, PartitionSubtype.Nvs, 0x9000, 0x6000, "nvs"), table.Entries[0]);
        Assert.Equal(new PartitionTableEntry(PartitionType.App, PartitionSubtype.Factory, 0x1_0000, 0x10_0000, "factory"), table.Find(PartitionType.App, PartitionSubtype.Factory));
        Assert.Equal(["WiFi data", "RF data", "factory app"], table.Entries.Select(e => e.Usage));
    }

    [Fact]
    public void RoundTrip_TwoOtaTableWithFlagsAndNoMd5_KeepsEverything()
    {
        var entries = PartitionTable.FactoryAppTwoOta().Entries
            .Append(new PartitionTableEntry((PartitionType)0x40, 0x07, 0x31_0000, 0x1000, "custom-fifteen!", PartitionFlags.Encrypted | PartitionFlags.Readonly));
        var original = new PartitionTable(entries, hasMd5: false);

        byte[] bytes = original.ToBytes();
        var parsed = PartitionTable.Parse(bytes);

        Assert.False(parsed.HasMd5);
        Assert.Equal(original.Entries, parsed.Entries);
        Assert.Equal(0xFF, bytes[7 * 32]);
        Assert.Equal("03000000", Hex.Of(bytes.AsSpan(6 * 32 + 28, 4)));
        Assert.Equal(1, parsed.Entries[5].OtaSlot);
        Assert.Equal("unknown", parsed.Entries[6].Usage);
    }

    [Theory]
    [InlineData(PartitionType.App, 0x00, "factory app")]
    [InlineData(PartitionType.App, 0x10, "OTA app")]
    [InlineData(PartitionType.App, 0x1F, "OTA app")]
    [InlineData(PartitionType.App, 0x20, "test app")]
    [InlineData(PartitionType.App, 0x30, "Unknown app")]
    [InlineData(PartitionType.Data, 0x00, "OTA data")]
    [InlineData(PartitionType.Data, 0x01, "RF data")]
    [InlineData(PartitionType.Data, 0x02, "WiFi data")]
    [InlineData(PartitionType.Data, 0x04, "NVS keys")]
    [InlineData(PartitionType.Data, 0x05, "efuse")]
    [InlineData(PartitionType.Data, 0x82, "Unknown data")]
    [InlineData((PartitionType)0x3F, 0x00, "unknown")]
    public void Usage_EachSubtype_IsTheBootloadersColumn(PartitionType type, byte subtype, string usage)
    {
        Assert.Equal(usage, PartitionTableUsage.For(type, subtype));
    }

    [Fact]
    public void Verify_Magic0xffffWithoutEndMarkerType_InvalidMagic()
    {
        var bytes = Erased();
        bytes[2] = 0x00;

        var result = PartitionTable.Verify(bytes);

        Assert.False(result.IsValid);
        Assert.Equal(PartitionTableFault.InvalidMagic, result.Error!.Fault);
        Assert.Equal("partition 0 invalid magic number 0xffff", result.Error.Message);
    }

    [Fact]
    public void Verify_GarbageSecondRow_NamesRowAndMagic()
    {
        byte[] bytes = PartitionTable.SingleFactoryApp().ToBytes();
        bytes[32] = 0x0A;
        bytes[33] = 0x0A;

        var result = PartitionTable.Verify(bytes);

        Assert.Equal("partition 1 invalid magic number 0xa0a", result.Error!.Message);
        Assert.Equal(1, result.Error.Row);
    }

    [Fact]
    public void Verify_PartitionBeyondFlash_ExceedsFlashChipSize()
    {
        byte[] bytes = PartitionTable.SingleFactoryApp(appSize: 0x40_0000).ToBytes();

        var result = PartitionTable.Verify(bytes, flashSize: 0x40_0000);

        Assert.Equal(PartitionTableFault.ExceedsFlashSize, result.Error!.Fault);
        Assert.Equal("partition 2 invalid - offset 0x10000 size 0x400000 exceeds flash chip size 0x400000", result.Error.Message);
    }

    [Fact]
    public void Verify_ChangedEntryAfterMd5WasWritten_IncorrectMd5Checksum()
    {
        byte[] bytes = PartitionTable.SingleFactoryApp().ToBytes();
        bytes[8] ^= 0x10;

        var result = PartitionTable.Verify(bytes);

        Assert.Equal(PartitionTableFault.Md5Mismatch, result.Error!.Fault);
        Assert.Equal("Incorrect MD5 checksum", result.Error.Message);
    }

    [Fact]
    public void Verify_TwoMd5Rows_OnlyOneAllowed()
    {
        byte[] bytes = PartitionTable.SingleFactoryApp().ToBytes();
        bytes.AsSpan(96, 32).CopyTo(bytes.AsSpan(128));
        MD5.HashData(bytes.AsSpan(0, 128), bytes.AsSpan(128 + 16, 16));

        var result = PartitionTable.Verify(bytes);

        Assert.Equal(PartitionTableFault.DuplicateMd5, result.Error!.Fault);
        Assert.Equal("Only one MD5 checksum is allowed", result.Error.Message);
    }

    [Fact]
    public void Verify_NoEndMarkerIn0xC00Bytes_NoTerminatingEntry()
    {
        var row = Hex.Bytes(FactoryRow);
        var bytes = new byte[PartitionTable.MaxLength + 64];
        for (int i = 0; i < bytes.Length / 32; i++)
        {
            row.CopyTo(bytes, i * 32);
        }

        var result = PartitionTable.Verify(bytes);

        Assert.Equal(PartitionTableFault.NoTerminatingEntry, result.Error!.Fault);
        Assert.Equal("partition table has no terminating entry, not valid", result.Error.Message);
    }

    [Fact]
    public void Verify_OnlyEndMarker_IsAnEmptyValidTable()
    {
        var result = PartitionTable.Verify(Erased());

        Assert.True(result.IsValid);
        Assert.Empty(result.Table!.Entries);
    }

    [Fact]
    public void Parse_InvalidTable_ThrowsWithTheBootloaderMessage()
    {
        var bytes = Erased();
        bytes[0] = 0x12;

        var e = Assert.Throws<ProtocolException>(() => PartitionTable.Parse(bytes));

        Assert.Contains("partition 0 invalid magic number 0xff12", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sixteen-chars-xx", 0x1_0000u, "label")]
    [InlineData("app", 0x1_1000u, "not aligned to 0x10000")]
    public void ToBytes_WhatGenEsp32PartRefuses_Throws(string label, uint offset, string expected)
    {
        var table = new PartitionTable([new PartitionTableEntry(PartitionType.App, PartitionSubtype.Factory, offset, 0x1000, label)]);

        var e = Assert.Throws<ArgumentException>(() => table.ToBytes());

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToBytes_OverlappingEntries_Throws()
    {
        var table = new PartitionTable(
        [
            new PartitionTableEntry(PartitionType.Data, PartitionSubtype.Nvs, 0x9000, 0x8000, "nvs"),
            new PartitionTableEntry(PartitionType.Data, PartitionSubtype.Phy, 0xF000, 0x1000, "phy_init"),
        ]);

        var e = Assert.Throws<ArgumentException>(() => table.ToBytes());

        Assert.Contains("phy_init overlaps nvs", e.Message, StringComparison.Ordinal);
    }

    private static byte[] Erased()
    {
        var bytes = new byte[PartitionTable.MaxLength];
        Array.Fill(bytes, (byte)0xFF);
        return bytes;
    }
}
