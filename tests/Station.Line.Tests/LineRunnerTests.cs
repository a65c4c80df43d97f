using Station.Flashing.Errors;
using Station.Line.Events;
using Station.Line.Tests.Support;
using Station.Profiles;
using Station.Protocol.Chips;
using Station.Simulator.Faults;
using Station.Traceability;

namespace Station.Line.Tests;

public class LineRunnerTests
{
    [Fact]
    public async Task Run_FourSlotsTwelveUnits_EveryUnitPassesWithItsOwnMacAndTheChipHoldsTheImages()
    {
        var slots = Enumerable.Range(1, 4).Select(i => new SimulatedBoards(i, ChipCatalogue.Esp32)).ToList();
        var sink = new Recorded();
        var job = await TestJobs.PrepareAsync(TestJobs.Profile(ChipCatalogue.Esp32), slots, sink, units: 12);

        var tally = await LineRunner.RunAsync(job, CancellationToken.None, CancellationToken.None);

        Assert.Equal(12, tally.Passed);
        Assert.Equal(12, sink.Records.Count);
        Assert.All(sink.Records, r => Assert.Equal(UnitResult.Pass, r.Result));
        Assert.Equal(12, sink.Records.Select(r => r.Mac).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 12), sink.Records.Select(r => r.UnitNumber).Order());
        var flashed = slots.SelectMany(s => s.Boards).Where(b => sink.Records.Any(r => r.Mac == b.Mac.ToString())).ToList();
        Assert.Equal(12, flashed.Count);
        foreach (var board in flashed)
        {
            foreach (var region in job.Plan.Regions)
            {
                Assert.Equal(region.Data, board.Flash.Read(region.Address, region.Data.Length));
            }
        }

        var record = sink.Records[0];
        Assert.All(record.Regions, r => Assert.True(r.Verified && r.ActualMd5 == r.ExpectedMd5));
        Assert.Equal("line-test", record.ProfileName);
        Assert.Equal("0x1640EF", record.FlashId);
        Assert.Equal(921600, record.Baud);
        Assert.True(record.StepSeconds.ContainsKey("write") && record.StepSeconds.ContainsKey("connect"));
        Assert.Single(sink.Events.OfType<JobFinished>());
        Assert.Equal(12, sink.Events.OfType<UnitFinished>().Count());
    }

    [Fact]
    public async Task Run_ProfileForAnotherChip_EveryUnitFailsAtOnceWithNothingWritten()
    {
        var slots = Enumerable.Range(1, 2).Select(i => new SimulatedBoards(i, ChipCatalogue.Esp32)).ToList();
        var sink = new Recorded();
        var job = await TestJobs.PrepareAsync(TestJobs.Profile(ChipCatalogue.Esp32S3), slots, sink, units: 4);

        var tally = await LineRunner.RunAsync(job, CancellationToken.None, CancellationToken.None);

        Assert.Equal(4, tally.Failed);
        Assert.All(sink.Records, r =>
        {
            Assert.Equal(ErrorCodes.ChipMismatch, r.ErrorCode);
            Assert.Equal(1, r.Attempt);
            Assert.All(r.Regions, region => Assert.False(region.Written));
        });
        Assert.All(slots.SelectMany(s => s.Boards), b => Assert.Equal(0, b.Flash.AllocatedSectors));
    }

    [Fact]
    public async Task Run_BridgeCannotHoldTheTopBauds_RegionRetriesStepDownAndTheSlotRemembers()
    {
        var slot = new SimulatedBoards(1, ChipCatalogue.Esp32, faults: () => new FaultPlan { Wire = new SlowBridge(460800) });
        var sink = new Recorded();
        var profile = TestJobs.Profile(ChipCatalogue.Esp32, ladder: [2_000_000, 921600, 460800, 115200],
            retry: new RetryPolicy { ConnectAttempts = 2, RegionRetries = 3, Timeouts = new StepTimeouts { Connect = TimeSpan.FromSeconds(20) } });
        var job = await TestJobs.PrepareAsync(profile, [slot], sink, units: 2);

        await LineRunner.RunAsync(job, CancellationToken.None, CancellationToken.None);

        var first = sink.Records[0];
        var second = sink.Records[1];
        Assert.Equal(UnitResult.Pass, first.Result);
        Assert.Equal(460800, first.Baud);
        Assert.Equal(2, first.Events.Count(e => e.Kind == "retry.region"));
        Assert.Equal(UnitResult.Pass, second.Result);
        Assert.Equal(460800, second.Baud);
        Assert.DoesNotContain(second.Events, e => e.Kind == "retry.region");
    }

    [Fact]
    public async Task Run_AbortMidWrite_RecordsTheUnitAsInterruptedAndStartsNoOther()
    {
        var slot = new SimulatedBoards(1, ChipCatalogue.Esp32, pacing: true);
        var sink = new Recorded();
        using var stop = new CancellationTokenSource();
        using var abort = new CancellationTokenSource();
        sink.OnEvent = e =>
        {
            if (e is UnitActivity { Inner: Flashing.Events.WriteProgress })
            {
                stop.Cancel();
                abort.Cancel();
            }
        };
        var job = await TestJobs.PrepareAsync(TestJobs.Profile(ChipCatalogue.Esp32), [slot], sink, units: 5);

        var tally = await LineRunner.RunAsync(job, stop.Token, abort.Token);

        var record = Assert.Single(sink.Records);
        Assert.Equal(UnitResult.Interrupted, record.Result);
        Assert.Equal(LineErrors.InterruptedCode, record.ErrorCode);
        Assert.Contains("write", record.Cause, StringComparison.Ordinal);
        Assert.Equal(1, tally.Interrupted);
    }

    [Fact]
    public async Task Run_StopNewUnits_LetsTheUnitInFlightFinish()
    {
        var slot = new SimulatedBoards(1, ChipCatalogue.Esp32);
        var sink = new Recorded();
        using var stop = new CancellationTokenSource();
        sink.OnEvent = e =>
        {
            if (e is UnitStarted)
            {
                stop.Cancel();
            }
        };
        var job = await TestJobs.PrepareAsync(TestJobs.Profile(ChipCatalogue.Esp32), [slot], sink, units: 5);

        await LineRunner.RunAsync(job, stop.Token, CancellationToken.None);

        var record = Assert.Single(sink.Records);
        Assert.Equal(UnitResult.Pass, record.Result);
    }

    [Fact]
    public async Task Run_ConsecutiveFailures_PauseTheSlotAndTellTheOperator()
    {
        var slot = new SimulatedBoards(1, ChipCatalogue.Esp32C3);
        var sink = new Recorded();
        var profile = TestJobs.Profile(ChipCatalogue.Esp32,
            retry: new RetryPolicy { SlotBreakerFailures = 2, SlotBreakerPause = TimeSpan.FromMilliseconds(50) });
        var job = await TestJobs.PrepareAsync(profile, [slot], sink, units: 3);

        await LineRunner.RunAsync(job, CancellationToken.None, CancellationToken.None);

        var pause = Assert.Single(sink.Events.OfType<SlotPaused>());
        Assert.Contains("check this slot's fixture, cable and power", pause.Instruction, StringComparison.Ordinal);
        var events = sink.Events.ToList();
        Assert.True(events.IndexOf(pause) > events.FindIndex(e => e is UnitFinished { Record.UnitNumber: 2 }));
    }

    [Fact]
    public async Task Run_RetryableFailure_IsTriedAgainAsAnotherAttemptWithItsOwnRecord()
    {
        var slot = new SimulatedBoards(1, ChipCatalogue.Esp32, faults: () => new FaultPlan { Wire = new SlowBridge(9600) });
        var sink = new Recorded();
        var profile = TestJobs.Profile(ChipCatalogue.Esp32, ladder: [921600],
            retry: new RetryPolicy { ConnectAttempts = 1, RegionRetries = 0, UnitAttempts = 2, Timeouts = new StepTimeouts { Connect = TimeSpan.FromSeconds(20) } });
        var job = await TestJobs.PrepareAsync(profile, [slot], sink, units: 1);

        await LineRunner.RunAsync(job, CancellationToken.None, CancellationToken.None);

        Assert.Equal([1, 2], sink.Records.Select(r => r.Attempt));
        Assert.All(sink.Records, r => Assert.Equal(UnitResult.Fail, r.Result));
        Assert.All(sink.Records, r => Assert.Equal(1, r.UnitNumber));
        Assert.Single(sink.Events.OfType<UnitRetried>(), e => e.Kind == "unit");
    }
}
