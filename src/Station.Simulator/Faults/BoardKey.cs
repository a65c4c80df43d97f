namespace Station.Simulator.Faults;

/// <summary>
/// What a board's faults are derived from: the simulator seed, the slot it entered (0-based index) and
/// its serial in the run (first boards 0..N-1, each swapped-in board the next one). The same key gives
/// the same faults.
/// </summary>
public sealed record BoardKey(ulong Seed, int Slot, long Serial)
{
    /// <summary>An independent random stream for one purpose (a fault name, "flood-text", …).</summary>
    internal FaultRandom Stream(string purpose)
    {
        ulong h = FaultRandom.Mix(Seed ^ 0x6A09_E667_F3BC_C908UL);
        h = FaultRandom.Mix(h ^ (ulong)Slot);
        h = FaultRandom.Mix(h ^ (ulong)Serial);
        foreach (char c in purpose)
        {
            h = FaultRandom.Mix(h ^ c);
        }

        return new FaultRandom(h);
    }
}
