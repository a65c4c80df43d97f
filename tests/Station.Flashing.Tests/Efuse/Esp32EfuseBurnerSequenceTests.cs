using Station.Flashing.Efuse;
using Station.Flashing.Errors;
using Station.Protocol.Chips;
using static Station.Flashing.Tests.Efuse.FakeEfuseController;

namespace Station.Flashing.Tests.Efuse;

public sealed class Esp32EfuseBurnerSequenceTests
{
    private static readonly CustomMacRequest DocumentedMac = new(MacAddress.Parse("48:63:92:15:72:16"));

    [Fact]
    public async Task Burn_RegisterSequence_IsEspefusesWithOtherBlocksZeroed()
    {
        var fake = new FakeEfuseController();
        var burner = new Esp32EfuseBurner(fake, TimeProvider.System, crystalMhz: 26);

        var result = await burner.BurnAsync(DocumentedMac, EfuseBurnMode.Burn, CancellationToken.None);

        uint[] staged = [0x92634875, 0x00167215, 0, 0, 0, 0x01000000, 0, 0];
        var expected = new List<string> { ReadOf(Blk0Rdata0), ReadOf(Blk0Rdata6) };
        expected.AddRange(Reads(Blk3Rdata0, 8));
        expected.AddRange(Writes(Blk0Wdata0, new uint[7]));
        expected.AddRange(Writes(Blk1Wdata0, new uint[8]));
        expected.AddRange(Writes(Blk2Wdata0, new uint[8]));
        expected.AddRange(Writes(Blk3Wdata0, staged));
        expected.AddRange(
        [
            // Timing for a 26 MHz crystal by read-modify-write (§1.3): DAC_CLK_DIV 52, CLK_SEL0 250, CLK_SEL1 255.
            ReadOf(DacConf), WriteOf(DacConf, 52),
            ReadOf(Clk), WriteOf(Clk, (64 << 8) | 250),
            ReadOf(Clk), WriteOf(Clk, (255 << 8) | 250),
            WriteOf(Conf, 0x5A5A), WriteOf(Cmd, 0x2), ReadOf(Cmd),
            WriteOf(Conf, 0x5AA5), WriteOf(Cmd, 0x1), ReadOf(Cmd),
        ]);
        expected.AddRange(Reads(Blk3Rdata0, 8));
        expected.AddRange(Writes(Blk3Wdata0, new uint[8]));
        Assert.Equal(expected, fake.Log);
        Assert.Equal(EfuseBurnOutcome.Burned, result.Outcome);
        Assert.Equal(1, result.Attempts);
        Assert.Equal(staged, fake.Fuses);
    }

    [Fact]
    public async Task Burn_UnknownCrystal_Uses40MHzTiming()
    {
        var fake = new FakeEfuseController();

        await new Esp32EfuseBurner(fake, TimeProvider.System).BurnAsync(DocumentedMac, EfuseBurnMode.Burn, CancellationToken.None);

        Assert.Contains(WriteOf(DacConf, 80), fake.Log);
        Assert.Contains(WriteOf(Clk, (255 << 8) | 160), fake.Log);
    }

    [Fact]
    public async Task Burn_FirstProgramSetsNothing_BurnsAgain()
    {
        var fake = new FakeEfuseController { BurnsFromProgram = 2 };

        var result = await new Esp32EfuseBurner(fake, TimeProvider.System).BurnAsync(DocumentedMac, EfuseBurnMode.Burn, CancellationToken.None);

        Assert.Equal(2, result.Attempts);
        Assert.Equal(2, fake.Programs);
        Assert.Equal("0x92634875", result.After.Hex[0]);
    }

    [Fact]
    public async Task Burn_BitsNeverSet_FailsAfterThreeBurnsAndClearsWdata()
    {
        var fake = new FakeEfuseController { BurnsFromProgram = int.MaxValue };

        var e = await Assert.ThrowsAsync<FlashException>(() => new Esp32EfuseBurner(fake, TimeProvider.System).BurnAsync(DocumentedMac, EfuseBurnMode.Burn, CancellationToken.None));

        Assert.Equal(ErrorCodes.EfuseBurnFailed, e.Error.Code);
        Assert.Equal(3, fake.Programs);
        Assert.Equal("3", e.Error.Details["efuse_attempts"]);
        Assert.StartsWith("0x00000000", e.Error.Details["efuse_block3_after"], StringComparison.Ordinal);
        Assert.Equal(Writes(Blk3Wdata0, new uint[8]), fake.Log[^8..]);
    }

    [Fact]
    public async Task Burn_CommandNeverFinishes_TimesOutAfter250ms()
    {
        var fake = new FakeEfuseController { Stuck = true };
        var burner = new Esp32EfuseBurner(fake, new SteppingTime());

        var e = await Assert.ThrowsAsync<FlashException>(() => burner.BurnAsync(DocumentedMac, EfuseBurnMode.Burn, CancellationToken.None));

        Assert.Equal(ErrorCodes.EfuseTimeout, e.Error.Code);
        Assert.False(e.Error.Permanent);
        Assert.Contains("program command within 250 ms", e.Error.Cause, StringComparison.Ordinal);
        Assert.InRange(fake.Log.Count(l => l == ReadOf(Cmd)), 100, 300);
    }

    [Fact]
    public async Task DryRun_OnlyReads()
    {
        var fake = new FakeEfuseController();

        var result = await new Esp32EfuseBurner(fake, TimeProvider.System).BurnAsync(DocumentedMac, EfuseBurnMode.DryRun, CancellationToken.None);

        Assert.All(fake.Log, l => Assert.StartsWith("R ", l, StringComparison.Ordinal));
        Assert.Equal(EfuseBurnOutcome.DryRun, result.Outcome);
        Assert.Equal(0, result.Attempts);
        Assert.Equal("0x01000000", result.Burned.Hex[5]);
        Assert.Equal(result.Burned, result.After);
    }

    private static IEnumerable<string> Reads(uint first, int count) => Enumerable.Range(0, count).Select(i => ReadOf(first + (uint)(4 * i)));

    private static List<string> Writes(uint first, uint[] values) => [.. values.Select((v, i) => WriteOf(first + (uint)(4 * i), v))];
}
