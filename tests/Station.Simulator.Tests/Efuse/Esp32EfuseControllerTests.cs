using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Simulator.Device;
using Station.Simulator.Efuse;
using Station.Simulator.Tests.Support;

namespace Station.Simulator.Tests.Efuse;

/// <summary>
/// The ESP32 eFuse controller over READ_REG/WRITE_REG frames, with addresses and op codes written out
/// from esp-idf-images-and-efuse.md §1.1–§1.4 rather than taken from the simulator.
/// </summary>
public sealed class Esp32EfuseControllerTests
{
    private const uint Blk0Rdata0 = 0x3FF5_A000;
    private const uint Blk0Wdata0 = 0x3FF5_A01C;
    private const uint Blk1Rdata0 = 0x3FF5_A038;
    private const uint Blk3Rdata0 = 0x3FF5_A078;
    private const uint Blk1Wdata0 = 0x3FF5_A098;
    private const uint Blk2Wdata0 = 0x3FF5_A0B8;
    private const uint Blk3Wdata0 = 0x3FF5_A0D8;
    private const uint Clk = 0x3FF5_A0F8;
    private const uint Conf = 0x3FF5_A0FC;
    private const uint Cmd = 0x3FF5_A104;
    private const uint IntRaw = 0x3FF5_A108;
    private const uint DacConf = 0x3FF5_A118;
    private const uint DecStatus = 0x3FF5_A11C;

    [Fact]
    public async Task ReadReg_FactoryBlock0_HoldsMacWithCrcAndCalibratedClock()
    {
        var device = new SimulatedDevice(new DeviceOptions { Chip = ChipCatalogue.Esp32, Mac = MacAddress.Parse("94:b9:7e:5a:6e:58") });
        await using var probe = WireProbe.Attach(device);

        // esptool docs summary_ESP32.rst: MAC 94:b9:7e:5a:6e:58, CRC 0xE2.
        Assert.Equal(0x7E5A_6E58u, await ReadAsync(probe, Blk0Rdata0 + 4));
        Assert.Equal(0x00E2_94B9u, await ReadAsync(probe, Blk0Rdata0 + 8));
        Assert.Equal(80u, await ReadAsync(probe, Blk0Rdata0 + 16));
        Assert.Equal(0u, await ReadAsync(probe, Blk0Rdata0 + 24));
        Assert.Equal(0x7E5A_6E58u, device.Efuse![0, 1]);
        for (uint word = 0; word < 8; word++)
        {
            Assert.Equal(0u, await ReadAsync(probe, Blk3Rdata0 + (4 * word)));
        }
    }

    [Fact]
    public async Task ReadReg_ConfAfterReset_IsTheResetValueInTheReplyFrame()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32);

        var reply = await probe.CommandAsync(Requests.ReadReg(Conf));

        // 01 0A 0400 | value 0x00010000 (FORCE_NO_WR_RD_DIS) | 4 status bytes.
        Assert.Equal("010A04000000010000000000", Convert.ToHexString(reply.Frame));
        Assert.Equal(82u | (64u << 8), await ReadAsync(probe, Clk));
        Assert.Equal(40u, await ReadAsync(probe, DacConf));
    }

    [Fact]
    public async Task Program_ThenRead_RdataIsStaleUntilTheReadCommand()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32);
        await WriteAsync(probe, Blk3Wdata0, 0x9263_4875);
        await WriteAsync(probe, Blk3Wdata0 + 4, 0x0016_7215);

        await WriteAsync(probe, Conf, 0x5A5A);
        await WriteAsync(probe, Cmd, 0x2);

        Assert.Equal(0u, await ReadAsync(probe, Cmd));
        Assert.Equal(0x2u, await ReadAsync(probe, IntRaw) & 0x2);
        Assert.Equal(0u, await ReadAsync(probe, Blk3Rdata0));
        Assert.Equal(0x9263_4875u, probe.Device.Efuse![3, 0]);

        await WriteAsync(probe, Conf, 0x5AA5);
        await WriteAsync(probe, Cmd, 0x1);

        Assert.Equal(0u, await ReadAsync(probe, Cmd));
        Assert.Equal(0x9263_4875u, await ReadAsync(probe, Blk3Rdata0));
        Assert.Equal(0x0016_7215u, await ReadAsync(probe, Blk3Rdata0 + 4));
    }

    [Fact]
    public async Task Program_BitsOnlyGoFromZeroToOne()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32);

        await BurnAsync(probe, Blk3Wdata0 + 8, 0x0000_0F0F);
        await BurnAsync(probe, Blk3Wdata0 + 8, 0x0000_F000);
        await BurnAsync(probe, Blk3Wdata0 + 8, 0x0000_0000);

        Assert.Equal(0x0000_FF0Fu, await ReadAsync(probe, Blk3Rdata0 + 8));
        Assert.Equal(0x0000_FF0Fu, probe.Device.Efuse![3, 2]);
    }

    [Fact]
    public async Task Program_WritesEveryBlocksWdataInOneCommand()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32);
        await WriteAsync(probe, Blk1Wdata0 + 28, 0xA5A5_0000);
        await WriteAsync(probe, Blk3Wdata0, 0x0000_0001);

        await ProgramAndReadAsync(probe);

        Assert.Equal(0xA5A5_0000u, await ReadAsync(probe, Blk1Rdata0 + 28));
        Assert.Equal(0x1u, await ReadAsync(probe, Blk3Rdata0));
        Assert.Equal(1, probe.Device.Efuse!.ProgramOperations);
    }

    [Theory]
    [InlineData(0x5AA5u)]
    [InlineData(0x0000u)]
    [InlineData(0x5A5Bu)]
    public async Task Program_WithoutTheProgramOpCode_BurnsNothing(uint opCode)
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32);
        await WriteAsync(probe, Blk3Wdata0, 0xFFFF_FFFF);

        await WriteAsync(probe, Conf, opCode);
        await WriteAsync(probe, Cmd, 0x2);

        Assert.Equal(0u, await ReadAsync(probe, Cmd));
        Assert.Equal(0u, probe.Device.Efuse![3, 0]);
        Assert.Equal(0, probe.Device.Efuse.ProgramOperations);
    }

    [Fact]
    public async Task Program_OpCodeFieldOnly_Bit16MayStaySetAsIdfLeavesIt()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32);
        await WriteAsync(probe, Blk3Wdata0, 0x10);

        await probe.CommandAsync(Requests.WriteReg(Conf, 0x5A5A, mask: 0xFFFF));
        Assert.Equal(0x1_5A5Au, await ReadAsync(probe, Conf));
        await WriteAsync(probe, Cmd, 0x2);

        Assert.Equal(0x10u, probe.Device.Efuse![3, 0]);
    }

    [Fact]
    public async Task Program_WrDisBit9_LeavesBlock3AloneButOtherBlocksBurn()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32);
        await BurnAsync(probe, Blk0Wdata0, 1u << 9);
        await WriteAsync(probe, Blk0Wdata0, 0);

        await WriteAsync(probe, Blk3Wdata0 + 20, 0x0100_0000);
        await WriteAsync(probe, Blk2Wdata0, 0x0000_00FF);
        await ProgramAndReadAsync(probe);

        Assert.Equal(1u << 9, await ReadAsync(probe, Blk0Rdata0));
        Assert.Equal(0u, await ReadAsync(probe, Blk3Rdata0 + 20));
        Assert.Equal(0u, probe.Device.Efuse![3, 5]);
        Assert.Equal(0xFFu, probe.Device.Efuse[2, 0]);
    }

    [Fact]
    public async Task Program_WrDisBit3_LocksTheFactoryMac()
    {
        var device = new SimulatedDevice(new DeviceOptions { Chip = ChipCatalogue.Esp32, Mac = MacAddress.Parse("24:0a:c4:00:00:00") });
        await using var probe = WireProbe.Attach(device);
        await BurnAsync(probe, Blk0Wdata0, 1u << 3);
        await WriteAsync(probe, Blk0Wdata0, 0);

        await BurnAsync(probe, Blk0Wdata0 + 4, 0x0000_00FF);

        Assert.Equal(0xC400_0000u, await ReadAsync(probe, Blk0Rdata0 + 4));
    }

    [Fact]
    public async Task Read_RdDisBit18_Block3ReadsZeroWhileTheFusesKeepTheirData()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32);
        await BurnAsync(probe, Blk3Wdata0, 0x1234_5678);
        Assert.Equal(0x1234_5678u, await ReadAsync(probe, Blk3Rdata0));

        await WriteAsync(probe, Blk3Wdata0, 0);
        await BurnAsync(probe, Blk0Wdata0, 1u << 18);

        Assert.Equal(1u << 18, await ReadAsync(probe, Blk0Rdata0));
        Assert.Equal(0u, await ReadAsync(probe, Blk3Rdata0));
        Assert.Equal(0x1234_5678u, probe.Device.Efuse![3, 0]);
    }

    [Fact]
    public async Task WriteReg_Rdata_IsReadOnly()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32);

        await WriteAsync(probe, Blk3Rdata0, 0xFFFF_FFFF);

        Assert.Equal(0u, await ReadAsync(probe, Blk3Rdata0));
    }

    [Fact]
    public async Task Timing_RegistersStoreWhatIsWritten()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32);

        await probe.CommandAsync(Requests.WriteReg(Clk, 160, mask: 0xFF));
        await probe.CommandAsync(Requests.WriteReg(Clk, 255u << 8, mask: 0xFF00));
        await probe.CommandAsync(Requests.WriteReg(DacConf, 80, mask: 0xFF));

        Assert.Equal(160u | (255u << 8), await ReadAsync(probe, Clk));
        Assert.Equal(80u, await ReadAsync(probe, DacConf));
    }

    [Fact]
    public async Task Fuses_OutliveResetsAndLinks_ControllerRegistersDoNot()
    {
        var device = new SimulatedDevice(new DeviceOptions { Chip = ChipCatalogue.Esp32 });
        await using (var first = WireProbe.Attach(device))
        {
            await BurnAsync(first, Blk3Wdata0 + 12, 0x00C0_FFEE);
            await WriteAsync(first, Clk, 0x1234);
        }

        await using var second = WireProbe.Attach(device);

        // The reset's own READ loaded RDATA; WDATA and timing are back to their reset values.
        Assert.Equal(0x00C0_FFEEu, await ReadAsync(second, Blk3Rdata0 + 12));
        Assert.Equal(0u, await ReadAsync(second, Blk3Wdata0 + 12));
        Assert.Equal(82u | (64u << 8), await ReadAsync(second, Clk));
    }

    [Fact]
    public async Task ThreeQuarterCoding_DecodesIntoWords0To5()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32);
        await BurnAsync(probe, Blk0Wdata0 + 24, 0x1);
        await WriteAsync(probe, Blk0Wdata0 + 24, 0);

        // Reference §1.4: data bytes 0x01..0x18 encode to these eight words.
        uint[] encoded = [0x04030201, 0x23070605, 0x0A090807, 0x2E0B0C0B, 0x100F0E0D, 0x2F1F1211, 0x16151413, 0x3C0B1817];
        for (int i = 0; i < 8; i++)
        {
            await WriteAsync(probe, Blk3Wdata0 + (uint)(4 * i), encoded[i]);
        }

        await ProgramAndReadAsync(probe);

        uint[] data = [0x04030201, 0x08070605, 0x0C0B0A09, 0x100F0E0D, 0x14131211, 0x18171615, 0, 0];
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(data[i], await ReadAsync(probe, Blk3Rdata0 + (uint)(4 * i)));
        }

        Assert.Equal(0u, await ReadAsync(probe, DecStatus));
        Assert.Equal(Esp32CodingScheme.ThreeQuarters, probe.Device.Efuse!.CodingScheme);
    }

    [Fact]
    public async Task ThreeQuarterCoding_SecondWriteIntoAUnit_ShowsInDecStatus()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32);
        await BurnAsync(probe, Blk0Wdata0 + 24, 0x1);
        await WriteAsync(probe, Blk0Wdata0 + 24, 0);

        // Unit 0 = 01 00 00 00 00 00 | xor 01 | weight 01, correctly encoded.
        await WriteAsync(probe, Blk3Wdata0, 0x0000_0001);
        await WriteAsync(probe, Blk3Wdata0 + 4, 0x0101_0000);
        await ProgramAndReadAsync(probe);
        Assert.Equal(0u, await ReadAsync(probe, DecStatus));

        // Now byte 2 = 0x01 with its own check bytes (xor 01, weight 3): the OR no longer checks out.
        await WriteAsync(probe, Blk3Wdata0, 0x0001_0000);
        await WriteAsync(probe, Blk3Wdata0 + 4, 0x0301_0000);
        await ProgramAndReadAsync(probe);

        // BLOCK3's group is bits [11:8]; unit 0 failed.
        Assert.Equal(0x100u, await ReadAsync(probe, DecStatus));
        Assert.Equal(0x0001_0001u, await ReadAsync(probe, Blk3Rdata0));
    }

    [Fact]
    public async Task OtherChips_KeepFixedMacWordsAndPlainStorage()
    {
        await using var probe = WireProbe.Start(ChipCatalogue.Esp32S3);

        await WriteAsync(probe, Blk3Wdata0, 0xFF);
        await WriteAsync(probe, Conf, 0x5A5A);
        await WriteAsync(probe, Cmd, 0x2);

        Assert.Equal(0x2u, await ReadAsync(probe, Cmd));
        Assert.Equal(0u, await ReadAsync(probe, Blk3Rdata0));
        Assert.Null(probe.Device.Efuse);
    }

    private static async Task<uint> ReadAsync(WireProbe probe, uint address)
    {
        var reply = await probe.CommandAsync(Requests.ReadReg(address));
        Assert.Equal(new byte[4], reply.Data);
        return reply.Value;
    }

    private static async Task WriteAsync(WireProbe probe, uint address, uint value)
    {
        var reply = await probe.CommandAsync(Requests.WriteReg(address, value));
        Assert.Equal(new byte[4], reply.Data);
    }

    /// <summary>Stages one word, then PGM and READ as §1.2 lays out.</summary>
    private static async Task BurnAsync(WireProbe probe, uint wdata, uint value)
    {
        await WriteAsync(probe, wdata, value);
        await ProgramAndReadAsync(probe);
    }

    private static async Task ProgramAndReadAsync(WireProbe probe)
    {
        await WriteAsync(probe, Conf, 0x5A5A);
        await WriteAsync(probe, Cmd, 0x2);
        Assert.Equal(0u, await ReadAsync(probe, Cmd));
        await WriteAsync(probe, Conf, 0x5AA5);
        await WriteAsync(probe, Cmd, 0x1);
        Assert.Equal(0u, await ReadAsync(probe, Cmd));
    }
}
