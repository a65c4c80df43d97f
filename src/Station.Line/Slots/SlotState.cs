using Station.Line.Fixtures;

namespace Station.Line.Slots;

/// <summary>What one slot remembers across units: its fixture, the best baud that worked, its failure streak.</summary>
internal sealed class SlotState(int number, ISlotFixture fixture)
{
    /// <summary>1-based slot number, as operators see it.</summary>
    public int Number { get; } = number;

    public ISlotFixture Fixture { get; } = fixture;

    /// <summary>Index into the profile's baud ladder; only ever moves down (slower) during a job.</summary>
    public int Rung { get; private set; }

    public int ConsecutiveFailures { get; set; }

    public int CurrentBaud(IReadOnlyList<int> ladder) => ladder[Math.Min(Rung, ladder.Count - 1)];

    /// <summary>Steps one rung down the ladder (remembered for the rest of the job); false at the bottom.</summary>
    public bool StepDown(IReadOnlyList<int> ladder)
    {
        if (Rung >= ladder.Count - 1)
        {
            return false;
        }

        Rung++;
        return true;
    }
}
