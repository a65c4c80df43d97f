using Station.Line.Fixtures;
using Station.Line.Slots;
using Station.Line.Tests.Support;
using Station.Profiles;
using Station.Protocol.Chips;
using Station.Simulator.Faults;
using Station.Traceability;
using Station.Transport.Discovery;
using Station.Transport.Links;

namespace Station.Line.Tests.Slots;

/// <summary>
/// What a slot knows about its USB bridge and its past: the adapter seeds the baud ladder and the
/// reset order, the baud a unit passed at is remembered for the next job, and records name the slot.
/// </summary>
public sealed class SlotStateTests
{
    private static readonly int[] Ladder = [2_000_000, 921600, 460800, 115200];

    [Fact]
    public async Task Run_Ch340BridgeThatCannotHoldTheTopBauds_StartsAtItsReliableBaudWithoutRetries()
    {
        var boards = new SimulatedBoards(1, ChipCatalogue.Esp32, faults: () => new FaultPlan { Wire = new SlowBridge(460800) });
        var slot = new DescribedSlot(boards, "fixture A, slot 1", Ch340("1-1.4.2"));
        var sink = new Recorded();
        var job = await TestJobs.PrepareAsync(Profile(), [slot], sink, units: 1);

        await LineRunner.RunAsync(job, CancellationToken.None, CancellationToken.None);

        var record = Assert.Single(sink.Records);
        Assert.Equal(UnitResult.Pass, record.Result);
        Assert.Equal(460800, record.Baud);
        Assert.DoesNotContain(record.Events, e => e.Kind == "retry.region");
    }

    [Fact]
    public async Task Run_Ch340_ItsTightResetComesBeforeTheProfilesOrder()
    {
        var slot = new DescribedSlot(new SimulatedBoards(1, ChipCatalogue.Esp32), "fixture A, slot 1", Ch340("1-1.4.2"));
        var sink = new Recorded();
        var job = await TestJobs.PrepareAsync(Profile(resets: ["classic"]), [slot], sink, units: 1);

        await LineRunner.RunAsync(job, CancellationToken.None, CancellationToken.None);

        var connect = Assert.Single(sink.Records[0].Events, e => e.Kind == "connect.attempt");
        Assert.StartsWith("attempt 1 (unix-tight(0.05))", connect.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NamedUsbSlot_RecordKeepsTheNameThePortAndTheBridge()
    {
        var slot = new DescribedSlot(new SimulatedBoards(1, ChipCatalogue.Esp32), "fixture A, slot 3", Ch340("1-1.4.2"));
        var sink = new Recorded();
        var job = await TestJobs.PrepareAsync(Profile(), [slot], sink, units: 1);

        await LineRunner.RunAsync(job, CancellationToken.None, CancellationToken.None);

        var record = sink.Records[0];
        Assert.Equal("fixture A, slot 3", record.SlotName);
        Assert.Equal("mem://slot-1", record.Port);
        Assert.Equal("1a86:7523 CH340 at 1-1.4.2", record.Usb);
        var started = Assert.Single(sink.Events.OfType<Events.SlotStarted>());
        Assert.Equal((1, "fixture A, slot 3"), (started.Slot, started.Name));
    }

    [Fact]
    public async Task Run_BaudLearnedInAnEarlierJob_TheNextJobStartsThereAndLearnsNothingNew()
    {
        var profile = Profile();
        var memory = new Memory();
        var faults = () => new FaultPlan { Wire = new SlowBridge(460800) };

        var first = new Recorded();
        var firstJob = await TestJobs.PrepareAsync(profile, [new SimulatedBoards(1, ChipCatalogue.Esp32, faults: faults)], first, units: 1) with { BaudMemory = memory };
        await LineRunner.RunAsync(firstJob, CancellationToken.None, CancellationToken.None);
        var second = new Recorded();
        var secondJob = await TestJobs.PrepareAsync(profile, [new SimulatedBoards(1, ChipCatalogue.Esp32, faults: faults)], second, units: 1) with { BaudMemory = memory };
        await LineRunner.RunAsync(secondJob, CancellationToken.None, CancellationToken.None);

        Assert.Equal(2, first.Records[0].Events.Count(e => e.Kind == "retry.region"));
        Assert.Equal([("mem://slot-1", null, 460800)], memory.Lessons);
        Assert.Equal(UnitResult.Pass, second.Records[0].Result);
        Assert.Equal(460800, second.Records[0].Baud);
        Assert.DoesNotContain(second.Records[0].Events, e => e.Kind == "retry.region");
    }

    [Fact]
    public async Task Run_BaudLearnedOnAnotherAdapter_IsNotUsed()
    {
        var memory = new Memory();
        memory.Learned("fixture A, slot 1", "10c4:ea60", 115200);
        var slot = new DescribedSlot(new SimulatedBoards(1, ChipCatalogue.Esp32), "fixture A, slot 1", Ch340("1-1.4.2"));
        var sink = new Recorded();
        var job = await TestJobs.PrepareAsync(Profile(), [slot], sink, units: 1) with { BaudMemory = memory };

        await LineRunner.RunAsync(job, CancellationToken.None, CancellationToken.None);

        Assert.Equal(460800, sink.Records[0].Baud);
        Assert.Equal(("fixture A, slot 1", "1a86:7523", 460800), memory.Lessons[^1]);
    }

    private static Profile Profile(IReadOnlyList<string>? resets = null) => TestJobs.Profile(ChipCatalogue.Esp32, ladder: Ladder,
        retry: new RetryPolicy
        {
            ConnectAttempts = 2,
            RegionRetries = 3,
            ResetStrategies = resets ?? new RetryPolicy().ResetStrategies,
            Timeouts = new StepTimeouts { Connect = TimeSpan.FromSeconds(20) },
        });

    private static SerialPortInfo Ch340(string hubPath)
    {
        var id = new UsbId(0x1a86, 0x7523);
        return new SerialPortInfo("ttyUSB0", "/dev/ttyUSB0", "ch341", new UsbPortDetails(id, null, null, "USB Serial", hubPath, hubPath + ":1.0", 0),
            null, null, AdapterCatalogue.Default.Find(id));
    }

    /// <summary>A slot of simulated boards that also has a name and a USB bridge, as a station-file slot on real hardware would.</summary>
    private sealed class DescribedSlot(SimulatedBoards boards, string name, SerialPortInfo port) : ISlotFixture
    {
        public string Port => boards.Port;

        public bool ReplacesBoards => boards.ReplacesBoards;

        public string? SlotName => name;

        public SerialPortInfo? PortInfo => port;

        public Task<IByteLink> OpenAsync(int baud, CancellationToken cancellationToken) => boards.OpenAsync(baud, cancellationToken);

        public Task NextBoardAsync(CancellationToken cancellationToken) => boards.NextBoardAsync(cancellationToken);
    }

    private sealed class Memory : ISlotBaudMemory
    {
        private readonly Lock _gate = new();

        public List<(string Slot, string? Adapter, int Baud)> Lessons { get; } = [];

        public int? Recall(string slotKey, string? adapter)
        {
            lock (_gate)
            {
                return Lessons.LastOrDefault(l => l.Slot == slotKey && l.Adapter == adapter) is { Baud: > 0 } lesson ? lesson.Baud : null;
            }
        }

        public void Learned(string slotKey, string? adapter, int baud)
        {
            lock (_gate)
            {
                Lessons.Add((slotKey, adapter, baud));
            }
        }
    }
}
