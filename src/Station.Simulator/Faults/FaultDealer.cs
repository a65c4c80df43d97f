namespace Station.Simulator.Faults;

/// <summary>
/// Draws one board's faults from a spec. For each fault name the last clause that applies to the board's
/// slot decides; a probability is one draw from that fault's own stream of the board's key, so adding a
/// clause for one fault never changes what the board draws for another.
/// </summary>
internal static class FaultDealer
{
    private const double EarliestPoint = 0.05;
    private const double PointSpan = 0.90;
    private const int MinFloodBytes = 4 * 1024;
    private const int FloodSpanBytes = 8 * 1024;

    public static DealtFaults Deal(FaultSpec spec, BoardKey board)
    {
        var last = new Dictionary<FaultKind, FaultClause>();
        foreach (var clause in spec.Clauses.Where(c => c.AppliesTo(board.Slot)))
        {
            last[clause.Kind] = clause;
        }

        double Rate(FaultKind kind) => last.TryGetValue(kind, out var c) ? c.Value : 0;

        // Null when not drawn; else the fault's stream, positioned after the draw, for its parameters.
        FaultRandom? Drawn(FaultKind kind)
        {
            if (!last.TryGetValue(kind, out var clause))
            {
                return null;
            }

            var random = board.Stream(clause.Name.Name);
            return random.NextDouble() < clause.Value ? random : null;
        }

        double Point(FaultRandom random) => EarliestPoint + (random.NextDouble() * PointSpan);

        var dealt = new DealtFaults
        {
            CorruptRate = Rate(FaultKind.Corrupt),
            RamCorruptRate = Rate(FaultKind.RamCorrupt),
            DropRate = Rate(FaultKind.Drop),
            BaudCeiling = last.TryGetValue(FaultKind.Ceiling, out var ceiling) ? (int)ceiling.Value : null,
            NoDownload = Drawn(FaultKind.NoDownload) is not null,
            NoDownloadOnce = Drawn(FaultKind.NoDownloadOnce) is not null,
            DeadTx = Drawn(FaultKind.DeadTx) is not null,
            FloodBytes = Drawn(FaultKind.Flood) is { } flood ? MinFloodBytes + flood.Next(FloodSpanBytes) : null,
            BrownoutAt = Drawn(FaultKind.Brownout) is { } brownout ? Point(brownout) : null,
            SlowEraseFactor = last.TryGetValue(FaultKind.SlowErase, out var slow) ? slow.Value : 1,
            BusyFor = Drawn(FaultKind.Busy) is not null ? last[FaultKind.Busy].Duration : null,
        };

        if (Drawn(FaultKind.Unplug) is { } unplug)
        {
            dealt = dealt with { UnplugAt = Point(unplug), UnplugDelay = last[FaultKind.Unplug].Duration ?? TimeSpan.Zero };
        }

        // The persistent variant wins when a board draws both.
        if (Drawn(FaultKind.ProgramErrorPersistent) is { } badSector)
        {
            dealt = dealt with { ProgramErrorAt = Point(badSector), ProgramErrorPersistent = true };
        }
        else if (Drawn(FaultKind.ProgramError) is { } programError)
        {
            dealt = dealt with { ProgramErrorAt = Point(programError) };
        }

        if (Drawn(FaultKind.BitflipPersistent) is { } weakCell)
        {
            dealt = dealt with { BitflipAt = Point(weakCell), BitflipBit = weakCell.Next(8), BitflipPersistent = true };
        }
        else if (Drawn(FaultKind.Bitflip) is { } bitflip)
        {
            dealt = dealt with { BitflipAt = Point(bitflip), BitflipBit = bitflip.Next(8) };
        }

        return dealt;
    }
}
