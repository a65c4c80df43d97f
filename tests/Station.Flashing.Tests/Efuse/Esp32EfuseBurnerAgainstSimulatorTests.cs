using Station.Flashing.Device;
using Station.Flashing.Efuse;
using Station.Flashing.Errors;
using Station.Flashing.Tests.Support;
using Station.Protocol.Chips;
using Station.Protocol.Status;
using Station.Simulator.Device;
using Station.Transport.Memory;

namespace Station.Flashing.Tests.Efuse;

/// <summary>The burner against the simulated ESP32 over an in-memory link (no pacing); the simulator's fuse array is the witness.</summary>
public sealed class Esp32EfuseBurnerAgainstSimulatorTests
{
    private const uint Blk3Rdata0 = 0x3FF5_A078;
    private const uint Blk3Wdata0 = 0x3FF5_A0D8;
    private const uint Conf = 0x3FF5_A0FC;
    private static readonly byte[] Serial = [0x53, 0x4E, 0x30, 0x30, 0x31];

    [Fact]
    public async Task UserData_Burned_ReadsBackEqualInRdataAndFuses()
    {
        var device = Esp32();

        var result = await WithBurnerAsync(device, (burner, esp) => BurnAsync(burner, new UserDataRequest(7, Serial)));

        Assert.Equal(EfuseBurnOutcome.Burned, result.Outcome);
        Assert.Equal(1, result.Attempts);
        Assert.True(result.Before.IsZero);
        Assert.Equal(["0x00000000", "0x53000000", "0x3130304E", "0x00000000", "0x00000000", "0x00000000", "0x00000000", "0x00000000"], result.After.Hex);
        Assert.Equal(result.After, result.Burned);
        Assert.Equal(result.After.Words, device.Efuse!.Block(3));
        Assert.Equal(1, device.Efuse.ProgramOperations);
    }

    [Fact]
    public async Task UserData_SameValueAgain_SkippedWithoutAProgram()
    {
        var device = Esp32();
        await WithBurnerAsync(device, (burner, _) => BurnAsync(burner, new UserDataRequest(7, Serial)));

        // A new link and a reset: the fuses stay with the board.
        var again = await WithBurnerAsync(device, (burner, _) => BurnAsync(burner, new UserDataRequest(7, Serial)));

        Assert.Equal(EfuseBurnOutcome.Skipped, again.Outcome);
        Assert.Equal(0, again.Attempts);
        Assert.True(again.Burned.IsZero);
        Assert.Equal(again.Before, again.After);
        Assert.Equal(1, device.Efuse!.ProgramOperations);
    }

    [Fact]
    public async Task UserData_DifferentValue_RefusedAndNothingWritten()
    {
        var device = Esp32();
        await WithBurnerAsync(device, (burner, _) => BurnAsync(burner, new UserDataRequest(7, Serial)));
        uint[] before = device.Efuse!.Block(3);

        var e = await Assert.ThrowsAsync<FlashException>(() =>
            WithBurnerAsync(device, (burner, _) => BurnAsync(burner, new UserDataRequest(7, "SN002"u8.ToArray()))));

        Assert.Equal(ErrorCodes.EfuseConflict, e.Error.Code);
        Assert.True(e.Error.Permanent);
        Assert.Contains("byte 11", e.Error.Cause, StringComparison.Ordinal);
        Assert.Equal(before, device.Efuse.Block(3));
        Assert.Equal(1, device.Efuse.ProgramOperations);
    }

    [Fact]
    public async Task DryRun_WritesNothingToTheController()
    {
        var device = Esp32();

        var (result, wdata, conf) = await WithBurnerAsync(device, async (burner, esp) =>
        {
            var r = await burner.BurnAsync(new CustomMacRequest(MacAddress.Parse("48:63:92:15:72:16")), EfuseBurnMode.DryRun, CancellationToken.None);
            return (r, await esp.ReadRegAsync(Blk3Wdata0, CancellationToken.None), await esp.ReadRegAsync(Conf, CancellationToken.None));
        });

        Assert.Equal(EfuseBurnOutcome.DryRun, result.Outcome);
        Assert.Equal("0x92634875", result.After.Hex[0]);
        Assert.All(device.Efuse!.Block(3), w => Assert.Equal(0u, w));
        Assert.Equal(0, device.Efuse.ProgramOperations);
        Assert.Equal(0u, wdata);
        Assert.Equal(1u << 16, conf);    // still the reset value: no op code was ever written
    }

    [Fact]
    public async Task CustomMac_DocumentedVector_RdataWordsAndCrc()
    {
        var device = Esp32();

        var (result, rdata) = await WithBurnerAsync(device, async (burner, esp) =>
        {
            var r = await BurnAsync(burner, new CustomMacRequest(MacAddress.Parse("48:63:92:15:72:16")));
            var words = new uint[8];
            for (int i = 0; i < 8; i++)
            {
                words[i] = await esp.ReadRegAsync(Blk3Rdata0 + (uint)(4 * i), CancellationToken.None);
            }

            return (r, words);
        });

        // esptool docs burn-custom-mac-cmd.rst: CRC 0x75 → RDATA0 0x92634875, RDATA1 0x00167215, RDATA5 0x01000000.
        Assert.Equal([0x92634875u, 0x00167215u, 0, 0, 0, 0x01000000u, 0, 0], rdata);
        Assert.Equal(0x75, result.After.ToBytes()[0]);
        Assert.Equal(rdata, device.Efuse!.Block(3));
    }

    [Fact]
    public async Task CustomMac_WrDisBit9Set_RefusedAsProtected()
    {
        var device = Esp32();
        device.Efuse!.Program(0, [1u << 9]);
        int programs = device.Efuse.ProgramOperations;

        var e = await Assert.ThrowsAsync<FlashException>(() =>
            WithBurnerAsync(device, (burner, _) => BurnAsync(burner, new CustomMacRequest(MacAddress.Parse("48:63:92:15:72:16")))));

        Assert.Equal(ErrorCodes.EfuseProtected, e.Error.Code);
        Assert.Contains("WR_DIS bit 9", e.Error.Cause, StringComparison.Ordinal);
        Assert.All(device.Efuse.Block(3), w => Assert.Equal(0u, w));
        Assert.Equal(programs, device.Efuse.ProgramOperations);
    }

    [Fact]
    public async Task CustomMac_RdDisBit18Set_RefusedAsProtected()
    {
        var device = Esp32();
        device.Efuse!.Program(0, [1u << 18]);

        var e = await Assert.ThrowsAsync<FlashException>(() =>
            WithBurnerAsync(device, (burner, _) => BurnAsync(burner, new CustomMacRequest(MacAddress.Parse("48:63:92:15:72:16")))));

        Assert.Equal(ErrorCodes.EfuseProtected, e.Error.Code);
        Assert.Contains("read-protected", e.Error.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Burn_TimingForTheMeasuredCrystal_LeftInTheController()
    {
        var device = Esp32();

        var (clk, dac) = await WithBurnerAsync(device, async (burner, esp) =>
        {
            await BurnAsync(burner, new UserDataRequest(7, Serial));
            return (await esp.ReadRegAsync(0x3FF5_A0F8, CancellationToken.None), await esp.ReadRegAsync(0x3FF5_A118, CancellationToken.None));
        });

        Assert.Equal(160u | (255u << 8), clk);
        Assert.Equal(80u, dac);
    }

    [Fact]
    public async Task ThreeQuarterCoding_CustomMacThenUserDataInAWrittenUnit()
    {
        var device = Esp32();
        device.Efuse!.Program(0, [0, 0, 0, 0, 0, 0, 1]);

        var mac = await WithBurnerAsync(device, (burner, _) => BurnAsync(burner, new CustomMacRequest(MacAddress.Parse("48:63:92:15:72:16"))));
        var e = await Assert.ThrowsAsync<FlashException>(() =>
            WithBurnerAsync(device, (burner, _) => BurnAsync(burner, new UserDataRequest(20, new byte[] { 1, 2, 3 }))));

        Assert.Equal(EfuseCodingScheme.ThreeQuarters, mac.CodingScheme);
        Assert.Equal(["0x92634875", "0x00167215", "0x00000000", "0x00000000", "0x00000000", "0x01000000"], mac.After.Hex.Take(6));
        Assert.Equal(0x48AB_7215u, device.Efuse[3, 1]);   // stored with its check bytes
        Assert.Equal(ErrorCodes.EfuseConflict, e.Error.Code);
        Assert.Contains("unit 3", e.Error.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThroughTheStub_BurnsTheSame()
    {
        var device = Esp32();
        var pair = new InMemoryLinkPair();
        await using var attachment = device.Attach(pair.Device);
        var session = new Sessions.SessionOptions { UseStub = true, Stubs = StubFiles.Catalogue, Connect = Connected.Fast };
        var ready = await Sessions.DeviceSession.OpenAsync(pair.Host, session, TimeProvider.System, new EventLog(), CancellationToken.None);

        var result = await BurnAsync(Esp32EfuseBurner.For(ready.Device, TimeProvider.System), new UserDataRequest(24, new byte[] { 0xA5 }));

        Assert.Equal(LoaderKind.Stub, ready.Device.Loader);
        Assert.Equal(0xA5u, device.Efuse![3, 6]);
        Assert.Equal(EfuseBurnOutcome.Burned, result.Outcome);
    }

    [Fact]
    public async Task For_OtherChip_Unsupported()
    {
        var device = new SimulatedDevice(new DeviceOptions { Chip = ChipCatalogue.Esp32S3 });
        var pair = new InMemoryLinkPair();
        await using var attachment = device.Attach(pair.Device);
        var esp = await EspDevice.ConnectAsync(pair.Host, Connected.Fast, TimeProvider.System, new EventLog(), CancellationToken.None);

        var e = Assert.Throws<FlashException>(() => Esp32EfuseBurner.For(esp, TimeProvider.System));

        Assert.Equal(ErrorCodes.EfuseUnsupportedChip, e.Error.Code);
        Assert.Contains("ESP32-S3", e.Error.Cause, StringComparison.Ordinal);
    }

    private static SimulatedDevice Esp32() => new(new DeviceOptions { Chip = ChipCatalogue.Esp32, Seed = 9 });

    private static Task<EfuseBurnResult> BurnAsync(Esp32EfuseBurner burner, EfuseRequest request) =>
        burner.BurnAsync(request, EfuseBurnMode.Burn, CancellationToken.None);

    /// <summary>Attaches the device to a fresh in-memory link (a reset, as a new unit connection), connects through the ROM, runs <paramref name="body"/>.</summary>
    private static async Task<T> WithBurnerAsync<T>(SimulatedDevice device, Func<Esp32EfuseBurner, EspDevice, Task<T>> body)
    {
        var pair = new InMemoryLinkPair();
        await using var attachment = device.Attach(pair.Device);
        await using var host = pair.Host;
        var esp = await EspDevice.ConnectAsync(pair.Host, Connected.Fast, TimeProvider.System, new EventLog(), CancellationToken.None);
        return await body(Esp32EfuseBurner.For(esp, TimeProvider.System), esp);
    }
}
