using System.Collections.Concurrent;
using Station.Line.Fixtures;
using Station.Protocol.Chips;
using Station.Simulator.Device;
using Station.Simulator.Faults;
using Station.Transport.Links;
using Station.Transport.Memory;

namespace Station.Line.Tests.Support;

/// <summary>
/// A slot holding in-process simulated boards over an in-memory link (DTR/RTS included, so resets
/// work); after each unit the next board is a new chip with a new MAC. Every board ever used is kept,
/// so tests can compare each chip's flash with what had to be written.
/// </summary>
internal sealed class SimulatedBoards : ISlotFixture
{
    private static int s_serial = 1000;
    private readonly ChipSpec _chip;
    private readonly Func<FaultPlan> _faults;
    private readonly bool _pacing;
    private DeviceAttachment? _attachment;

    public SimulatedBoards(int slot, ChipSpec chip, bool pacing = false, Func<FaultPlan>? faults = null)
    {
        _chip = chip;
        _pacing = pacing;
        _faults = faults ?? (() => FaultPlan.None);
        Port = $"mem://slot-{slot}";
        Current = NewBoard();
    }

    public string Port { get; }

    public bool ReplacesBoards => true;

    public SimulatedDevice Current { get; private set; }

    public static ConcurrentBag<SimulatedDevice> Everything { get; } = [];

    public List<SimulatedDevice> Boards { get; } = [];

    public async Task<IByteLink> OpenAsync(int baud, CancellationToken cancellationToken)
    {
        if (_attachment is not null)
        {
            await _attachment.DisposeAsync();
        }

        var pair = new InMemoryLinkPair(Port, baud);
        _attachment = Current.Attach(pair.Device);
        return pair.Host;
    }

    public async Task NextBoardAsync(CancellationToken cancellationToken)
    {
        if (_attachment is not null)
        {
            await _attachment.DisposeAsync();
            _attachment = null;
        }

        Current = NewBoard();
    }

    private SimulatedDevice NewBoard()
    {
        var device = new SimulatedDevice(new DeviceOptions
        {
            Chip = _chip,
            Index = Interlocked.Increment(ref s_serial),
            Seed = 77,
            Pacing = _pacing,
            Faults = _faults(),
        });
        Boards.Add(device);
        Everything.Add(device);
        return device;
    }
}

/// <summary>A wire whose bridge cannot hold rates above a ceiling (field failure F3).</summary>
internal sealed class SlowBridge(int ceiling) : IWireFaults
{
    public int? BaudCeiling => ceiling;

    public byte[] HostToDevice(byte[] chunk) => chunk;

    public byte[] DeviceToHost(byte[] chunk) => chunk;
}
