using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Station.Line.Events;
using Station.Line.Fixtures;
using Station.Line.Tests.Support;
using Station.Protocol.Chips;
using Station.Traceability;

namespace Station.Line.Tests.Fixtures;

/// <summary>Slots that appear while the job runs get workers of their own, numbered after the ones there at the start.</summary>
public sealed class SlotSourceTests
{
    [Fact]
    public async Task Run_NoSlotAtTheStartThenTwoAppear_EachGetsAWorkerAndTheUnitsAreMade()
    {
        var source = new Appearing();
        var sink = new Recorded();
        var job = await TestJobs.PrepareAsync(TestJobs.Profile(ChipCatalogue.Esp32), [], sink, units: 4) with { SlotSource = source };

        var running = LineRunner.RunAsync(job, CancellationToken.None, CancellationToken.None);
        await source.AddAsync(new SimulatedBoards(1, ChipCatalogue.Esp32));
        await source.AddAsync(new SimulatedBoards(2, ChipCatalogue.Esp32));
        var tally = await running;

        Assert.Equal(4, tally.Passed);
        Assert.Equal([1, 2], sink.Events.OfType<SlotStarted>().Select(e => e.Slot).Order());
        Assert.Equal(4, sink.Records.Count(r => r.Result == UnitResult.Pass));
        Assert.True(source.StoppedByCancellation, "watching stops once every unit is claimed");
    }

    [Fact]
    public async Task Run_SlotAppearsBesideAnInitialOne_ItIsNumberedNext()
    {
        var source = new Appearing();
        var sink = new Recorded();
        var job = await TestJobs.PrepareAsync(TestJobs.Profile(ChipCatalogue.Esp32), [new SimulatedBoards(1, ChipCatalogue.Esp32)], sink, units: 6)
            with { SlotSource = source };
        sink.OnEvent = e =>
        {
            if (e is UnitFinished { Record.UnitNumber: 1 })
            {
                source.Add(new SimulatedBoards(2, ChipCatalogue.Esp32));
            }
        };

        var tally = await LineRunner.RunAsync(job, CancellationToken.None, CancellationToken.None);

        Assert.Equal(6, tally.Passed);
        var started = sink.Events.OfType<SlotStarted>().ToList();
        Assert.Equal([(1, "mem://slot-1"), (2, "mem://slot-2")], started.Select(e => (e.Slot, e.Port)));
    }

    /// <summary>Yields the slots handed to it, as a watcher of ports would when they are plugged in.</summary>
    private sealed class Appearing : ISlotSource
    {
        private readonly Channel<ISlotFixture> _slots = Channel.CreateUnbounded<ISlotFixture>();

        /// <summary>
        /// Whether the enumeration ended (disposed or cancelled) with its token cancelled. Read in a finally
        /// block rather than through a token registration: the runner may dispose the enumerator as soon as
        /// the token reports cancellation, which removes a registration whose callback has not run yet.
        /// </summary>
        public bool StoppedByCancellation { get; private set; }

        public ValueTask AddAsync(ISlotFixture slot) => _slots.Writer.WriteAsync(slot);

        public void Add(ISlotFixture slot) => Assert.True(_slots.Writer.TryWrite(slot));

        public async IAsyncEnumerable<ISlotFixture> AppearingAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            try
            {
                while (true)
                {
                    yield return await _slots.Reader.ReadAsync(cancellationToken);
                }
            }
            finally
            {
                StoppedByCancellation = cancellationToken.IsCancellationRequested;
            }
        }
    }
}
