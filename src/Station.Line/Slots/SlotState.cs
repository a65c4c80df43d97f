using Station.Line.Fixtures;
using Station.Line.Jobs;
using Station.Transport.Discovery;
using Station.Transport.Reset;

namespace Station.Line.Slots;

/// <summary>
/// What one slot remembers across units: its fixture, the best baud that worked, its failure streak.
/// The profile's baud ladder and reset order are seeded by what is known about the slot's USB bridge
/// (<see cref="AdapterSpec"/>: rungs above its reliable baud dropped, its reset sequences first), and
/// the slot starts at the baud it last passed a unit at in an earlier job (<see cref="ISlotBaudMemory"/>).
/// </summary>
internal sealed class SlotState(int number, ISlotFixture fixture, ISlotBaudMemory? memory = null)
{
    private readonly Lock _gate = new();
    private bool _recalled;
    private int _rung;
    private int? _learned;
    private (AdapterSpec Adapter, IReadOnlyList<IResetStrategy> Strategies)? _resets;

    /// <summary>1-based slot number, as operators see it.</summary>
    public int Number { get; } = number;

    public ISlotFixture Fixture { get; } = fixture;

    /// <summary>Index into the slot's ladder; only ever moves down (slower) during a job.</summary>
    public int Rung
    {
        get
        {
            lock (_gate)
            {
                return _rung;
            }
        }
    }

    public int ConsecutiveFailures { get; set; }

    private AdapterSpec? Adapter => Fixture.PortInfo?.Adapter;

    private string? AdapterKey => Fixture.PortInfo?.Usb?.Id.ToString();

    /// <summary>The profile's ladder as this slot's bridge allows it.</summary>
    public IReadOnlyList<int> Ladder(IReadOnlyList<int> profileLadder) => Adapter?.SeedLadder(profileLadder) ?? profileLadder;

    public int CurrentBaud(IReadOnlyList<int> profileLadder)
    {
        var ladder = Ladder(profileLadder);
        lock (_gate)
        {
            Recall(ladder);
            return ladder[Math.Min(_rung, ladder.Count - 1)];
        }
    }

    /// <summary>Steps one rung down the ladder (remembered for the rest of the job); false at the bottom.</summary>
    public bool StepDown(IReadOnlyList<int> profileLadder)
    {
        var ladder = Ladder(profileLadder);
        lock (_gate)
        {
            Recall(ladder);
            if (_rung >= ladder.Count - 1)
            {
                return false;
            }

            _rung++;
            return true;
        }
    }

    /// <summary>A unit passed at <paramref name="baud"/>: the next job starts this slot there.</summary>
    public void Passed(int? baud)
    {
        if (memory is null || baud is not int b)
        {
            return;
        }

        lock (_gate)
        {
            if (_learned == b)
            {
                return;
            }

            _learned = b;
        }

        memory.Learned(Fixture.SlotKey, AdapterKey, b);
    }

    /// <summary>The reset strategies to cycle: the bridge's own first, then the profile's.</summary>
    public IReadOnlyList<IResetStrategy> ResetStrategies(LineJob job)
    {
        if (Adapter is not { ResetOrder.Count: > 0 } adapter)
        {
            return job.ResetStrategies;
        }

        lock (_gate)
        {
            if (_resets is { } cached && ReferenceEquals(cached.Adapter, adapter))
            {
                return cached.Strategies;
            }
        }

        IReadOnlyList<IResetStrategy> strategies;
        try
        {
            strategies = [.. adapter.SeedResets(job.Profile.Retry.ResetStrategies).Select(Transport.Reset.ResetStrategies.Parse)];
        }
        catch (FormatException)
        {
            // A station file's adapter entry with a bad name: the profile's order still works.
            strategies = job.ResetStrategies;
        }

        lock (_gate)
        {
            _resets = (adapter, strategies);
        }

        return strategies;
    }

    /// <summary>Once per job, when the adapter is known: start at the rung of the baud learned in an earlier job.</summary>
    private void Recall(IReadOnlyList<int> ladder)
    {
        if (_recalled || memory is null)
        {
            return;
        }

        _recalled = true;
        if (memory.Recall(Fixture.SlotKey, AdapterKey) is int baud)
        {
            _learned = baud;
            int rung = ladder.Select((b, i) => (b, i)).Where(r => r.b <= baud).Select(r => r.i).DefaultIfEmpty(ladder.Count - 1).First();
            _rung = Math.Max(_rung, rung);
        }
    }
}
