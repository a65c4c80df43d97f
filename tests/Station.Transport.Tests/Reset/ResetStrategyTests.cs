using Station.Transport.Memory;
using Station.Transport.Reset;

namespace Station.Transport.Tests.Reset;

/// <summary>
/// What the device end sees, event by event, when a strategy drives the host's lines: "D1R0" is one
/// LinesChanged with DTR asserted and RTS released, "W100" a wait of 100 ms. Repeated states are real:
/// after each RTS change the driver writes DTR again (for drivers that forward lines only on a DTR change).
/// </summary>
public sealed class ResetStrategyTests
{
    [Fact]
    public async Task ClassicReset_OnAnInMemoryPair_DrivesEnLowThenIo0LowAsEnRises()
    {
        var seen = await RunAsync(new ClassicReset(ResetStrategies.DefaultDelay));

        Assert.Equal(["D0R0", "D0R1", "D0R1", "W100", "D1R1", "D1R0", "D1R0", "W50", "D0R0"], seen);
    }

    [Fact]
    public async Task UnixTightReset_OnAnInMemoryPair_ReleasesEnAndPullsIo0InOneEvent()
    {
        var seen = await RunAsync(new UnixTightReset(ResetStrategies.DefaultDelay));

        Assert.Equal(["D0R0", "D1R1", "D0R1", "W100", "D1R0", "W50", "D0R0", "D0R0"], seen);
        // The EN-release step: from (DTR released, RTS asserted) straight to (DTR asserted, RTS released), no state between.
        int release = seen.IndexOf("W100") + 1;
        Assert.Equal(("D0R1", "D1R0"), (seen[release - 2], seen[release]));
    }

    [Fact]
    public async Task UnixTightReset_SlowVariant_HoldsIo0For550Milliseconds()
    {
        var seen = await RunAsync(ResetStrategies.Parse("unix-tight-slow"));

        Assert.Equal(["D0R0", "D1R1", "D0R1", "W100", "D1R0", "W550", "D0R0", "D0R0"], seen);
    }

    [Fact]
    public async Task UsbJtagSerialReset_OnAnInMemoryPair_DrivesThePeripheralsSequence()
    {
        var seen = await RunAsync(new UsbJtagSerialReset());

        Assert.Equal(
            [
                "D0R0", "D0R0", "D0R0", "W100",
                "D1R0", "D1R0", "D1R0", "W100",
                "D1R1", "D1R1", "D0R1", "D0R1", "D0R1", "W100",
                "D0R1", "D0R0", "D0R0",
            ],
            seen);
    }

    [Fact]
    public async Task HardReset_OnAnInMemoryPair_PulsesEnFor100Milliseconds()
    {
        var seen = await RunAsync(new HardReset());

        Assert.Equal(["D0R1", "D0R1", "W100", "D0R0", "D0R0"], seen);
    }

    [Fact]
    public async Task HardReset_UsbPeripheral_HoldsAndSettles200Milliseconds()
    {
        var seen = await RunAsync(new HardReset(UsbPeripheral: true));

        Assert.Equal(["D0R1", "D0R1", "W200", "D0R0", "D0R0", "W200"], seen);
    }

    [Fact]
    public async Task CustomReset_ClassicWrittenOut_DrivesTheSameLinesAsClassic()
    {
        var custom = CustomReset.Parse("D0|R1|W0.1|D1|R0|W0.05|D0");

        var seen = await RunAsync(custom);

        Assert.Equal(["D0R0", "D0R1", "D0R1", "W100", "D1R1", "D1R0", "D1R0", "W50", "D0R0"], seen);
        Assert.Equal(await RunAsync(new ClassicReset(ResetStrategies.DefaultDelay)), seen);
        Assert.Equal("custom(D0|R1|W0.1|D1|R0|W0.05|D0)", custom.Name);
    }

    [Fact]
    public async Task CustomReset_BothLinesStep_ChangesThemInOneEvent()
    {
        var seen = await RunAsync(ResetStrategies.Parse("U0,1|W0.1|U1,0|W0.05|U0,0"));

        Assert.Equal(["D0R1", "W100", "D1R0", "W50", "D0R0"], seen);
    }

    [Theory]
    [InlineData("", "A custom reset sequence is empty.")]
    [InlineData("   ", "A custom reset sequence is empty.")]
    [InlineData("D0|X1", "Custom reset sequence 'D0|X1': step 'X1' must start with D, R, U or W.")]
    [InlineData("D2", "Custom reset sequence 'D2': step 'D2' needs 0 or 1.")]
    [InlineData("R|D0", "Custom reset sequence 'R|D0': step 'R' is too short (expected D0, R1, U1,0 or W0.1).")]
    [InlineData("D0||D1", "Custom reset sequence 'D0||D1': step '' is too short (expected D0, R1, U1,0 or W0.1).")]
    [InlineData("U1", "Custom reset sequence 'U1': step 'U1' needs two 0/1 values, e.g. U1,0.")]
    [InlineData("U1,2", "Custom reset sequence 'U1,2': step 'U1,2' needs two 0/1 values, e.g. U1,0.")]
    [InlineData("W11", "Custom reset sequence 'W11': step 'W11' needs a wait in seconds between 0 and 10.")]
    [InlineData("W-1", "Custom reset sequence 'W-1': step 'W-1' needs a wait in seconds between 0 and 10.")]
    [InlineData("Wsoon", "Custom reset sequence 'Wsoon': step 'Wsoon' needs a wait in seconds between 0 and 10.")]
    public void CustomResetParse_BadSequence_SaysWhichStepAndWhy(string sequence, string message)
    {
        var e = Assert.Throws<FormatException>(() => CustomReset.Parse(sequence));

        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("classic", "classic(0.05)")]
    [InlineData("classic-slow", "classic(0.55)")]
    [InlineData("unix-tight", "unix-tight(0.05)")]
    [InlineData(" Tight ", "unix-tight(0.05)")]
    [InlineData("unix-tight-slow", "unix-tight(0.55)")]
    [InlineData("usb-jtag-serial", "usb-jtag-serial")]
    [InlineData("usb-jtag", "usb-jtag-serial")]
    [InlineData("D0|R1|W0.1|D1|R0|W0.05|D0", "custom(D0|R1|W0.1|D1|R0|W0.05|D0)")]
    public void ResetStrategiesParse_KnownName_GivesThatStrategy(string name, string strategy)
    {
        Assert.Equal(strategy, ResetStrategies.Parse(name).Name);
    }

    [Fact]
    public void ResetStrategiesParse_UnknownName_ListsTheValidOnes()
    {
        var e = Assert.Throws<FormatException>(() => ResetStrategies.Parse("bogus"));

        Assert.Equal(
            "Unknown reset strategy 'bogus'. Use classic, classic-slow, unix-tight, unix-tight-slow, usb-jtag-serial or a sequence like D0|R1|W0.1|D1|R0|W0.05|D0.",
            e.Message);
    }

    [Fact]
    public void ResetStrategiesParse_SequenceWithABadStep_ReportsTheStep()
    {
        var e = Assert.Throws<FormatException>(() => ResetStrategies.Parse("D0|Q1"));

        Assert.Equal("Custom reset sequence 'D0|Q1': step 'Q1' must start with D, R, U or W.", e.Message);
    }

    [Fact]
    public void ForUartBridge_Order_TightThenClassicShortThenLong()
    {
        Assert.Equal(
            ["unix-tight(0.05)", "unix-tight(0.55)", "classic(0.05)", "classic(0.55)"],
            ResetStrategies.ForUartBridge().Select(s => s.Name));
    }

    /// <summary>Runs <paramref name="strategy"/> on a fresh pair and returns the device-side events and waits in order.</summary>
    private static async Task<List<string>> RunAsync(IResetStrategy strategy)
    {
        var seen = new List<string>();
        var gate = new Lock();
        void Note(string what)
        {
            lock (gate)
            {
                seen.Add(what);
            }
        }

        var pair = new InMemoryLinkPair();
        pair.Device.LinesChanged += lines => Note($"D{(lines.Dtr ? 1 : 0)}R{(lines.Rts ? 1 : 0)}");
        var time = new InstantTimeProvider(delay => Note($"W{delay.TotalMilliseconds}"));

        await strategy.ResetAsync(pair.Host, time, CancellationToken.None);

        lock (gate)
        {
            return [.. seen];
        }
    }
}
