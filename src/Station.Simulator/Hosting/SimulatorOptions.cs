using Station.Protocol.Chips;
using Station.Simulator.Device;
using Station.Simulator.Faults;
using Station.Simulator.Flash;

namespace Station.Simulator.Hosting;

/// <summary>A fleet of identical simulated chips and where to serve them.</summary>
public sealed record SimulatorOptions
{
    public ChipSpec Chip { get; init; } = ChipCatalogue.Esp32;

    public int Count { get; init; } = 1;

    /// <summary>Address the TCP listeners bind to.</summary>
    public string TcpHost { get; init; } = "127.0.0.1";

    /// <summary>Device i listens on base + i; null serves no TCP; 0 picks free ports (tests).</summary>
    public int? TcpBasePort { get; init; }

    /// <summary>Device i is an RFC 2217 port on base + i (DTR/RTS reach its EN/IO0); null serves none; 0 picks free ports (tests).</summary>
    public int? Rfc2217BasePort { get; init; }

    /// <summary>Directory for one pseudo-terminal symlink per device (<c>&lt;dir&gt;/esp32-0</c>); null for none.</summary>
    public string? PtyDirectory { get; init; }

    public uint FlashSize { get; init; } = Device.DeviceOptions.DefaultFlashSize;

    /// <summary>Where flash dumps go (on request, on host disconnect, on shutdown); null for none.</summary>
    public string? DumpDirectory { get; init; }

    /// <summary>Decides the MACs (and line noise); the same seed gives the same fleet (and the same replacements, swapped in the same order).</summary>
    public ulong Seed { get; init; } = 1;

    public bool Pacing { get; init; }

    public TimeSpan EnDelay { get; init; } = Device.DeviceOptions.DefaultEnDelay;

    public FlashTiming FlashTiming { get; init; } = FlashTiming.Datasheet;

    /// <summary>
    /// The faults the fleet suffers (<see cref="FaultSpec"/>); null for none. Each board that enters a slot
    /// draws its own from the seed, the slot and its serial, and records what was injected on it
    /// (<c>&lt;dump dir&gt;/&lt;MAC&gt;.faults.json</c> beside its flash dump).
    /// </summary>
    public FaultSpec? Faults { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Models the operator of a continuous line: once a board has been restarted into its flashed app
    /// after a loader session and that boot has run (app started, or boot failed), it is taken out and a
    /// new unit (new MAC) is put in the slot after this long. Null: boards stay until replaced.
    /// </summary>
    public TimeSpan? ReplaceFinishedAfter { get; init; }

    /// <summary>
    /// Boards that already carry firmware, put into the slots before any new unit (e.g. a batch's flash
    /// dumps, for QA): each has its MAC and its flash contents. When they run out, new blank units follow.
    /// </summary>
    public IReadOnlyList<ReturnedBoard> ReturnedBoards { get; init; } = [];

    /// <summary>Receives every device's activity changes (called on device tasks).</summary>
    public Action<DeviceEvent>? Events { get; init; }

    /// <summary>The first board of slot <paramref name="index"/> (board serial = index).</summary>
    public DeviceOptions ForDevice(int index) => ForBoard(index, index);

    /// <summary>
    /// A board for slot <paramref name="index"/>; its MAC comes from the seed and <paramref name="serial"/>,
    /// the board's running number in the run (first boards 0..Count-1, replacements after them).
    /// </summary>
    public DeviceOptions ForBoard(int index, long serial) => new()
    {
        Chip = Chip,
        Index = index,
        Mac = Registers.DeviceMacs.For(Chip, Seed, serial),
        Seed = Seed,
        FlashSize = FlashSize,
        Pacing = Pacing,
        EnDelay = EnDelay,
        FlashTiming = FlashTiming,
        Faults = FaultPlan.Deal(Faults, new BoardKey(Seed, index, serial), Time),
        Time = Time,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Count is < 1 or > 1024)
        {
            throw new ArgumentException($"Count must be 1..1024, not {Count}.", nameof(Count));
        }

        if (TcpBasePort is { } port && (port < 0 || (port > 0 && port + Count - 1 > 65535)))
        {
            throw new ArgumentException($"TCP ports {port}..{port + Count - 1} are outside 1..65535.", nameof(TcpBasePort));
        }

        if (Rfc2217BasePort is { } rfc && (rfc < 0 || (rfc > 0 && rfc + Count - 1 > 65535)))
        {
            throw new ArgumentException($"RFC 2217 ports {rfc}..{rfc + Count - 1} are outside 1..65535.", nameof(Rfc2217BasePort));
        }

        if (TcpBasePort is null && PtyDirectory is null && Rfc2217BasePort is null)
        {
            throw new ArgumentException("Serve the devices somewhere: set TcpBasePort, Rfc2217BasePort and/or PtyDirectory.", nameof(TcpBasePort));
        }

        try
        {
            _ = FlashId.ForSize(FlashSize);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException(e.Message, nameof(FlashSize), e);
        }

        if (EnDelay < TimeSpan.Zero)
        {
            throw new ArgumentException("EnDelay cannot be negative.", nameof(EnDelay));
        }

        if (Faults is { } faults)
        {
            faults.CheckSlots(Count);
            if (PtyDirectory is not null && faults.Clauses.Any(c => c.Kind == FaultKind.Busy) && !FlockHolder.Available)
            {
                throw new ArgumentException("The busy fault on pseudo-terminals needs flock(1) (util-linux) on the PATH to hold the port.", nameof(Faults));
            }
        }
    }
}

/// <summary>A unit that comes back to the line: its MAC and the flash it left with (a dump file).</summary>
public sealed record ReturnedBoard(MacAddress Mac, string FlashDumpPath)
{
    /// <summary>Every <c>&lt;MAC with dashes&gt;.bin</c> dump in <paramref name="directory"/>, in name order.</summary>
    public static IReadOnlyList<ReturnedBoard> FromDumps(string directory) =>
        Directory.GetFiles(directory, "*.bin")
            .Order(StringComparer.Ordinal)
            .Select(path => MacAddress.TryParse(Path.GetFileNameWithoutExtension(path).Replace('-', ':'), out var mac) ? new ReturnedBoard(mac, path) : null)
            .OfType<ReturnedBoard>()
            .ToList();
}

/// <summary>Where one device of the fleet can be reached.</summary>
/// <param name="Url">The <c>socket://HOST:PORT</c> URL, when served on TCP.</param>
/// <param name="PtyPath">The symlink to its pseudo-terminal, when served on a pty.</param>
public sealed record SimulatedPort(SimulatedDevice Device, string? Url, string? PtyPath)
{
    /// <summary>The <c>rfc2217://HOST:PORT</c> URL, when served as an RFC 2217 port.</summary>
    public string? Rfc2217Url { get; init; }

    public int Index => Device.Index;

    public MacAddress Mac => Device.Mac;
}
