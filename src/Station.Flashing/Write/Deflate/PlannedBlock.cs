namespace Station.Flashing.Write.Deflate;

/// <summary>A block as planned: input range [<paramref name="Start"/>, <paramref name="End"/>) and its parse.</summary>
internal sealed record PlannedBlock(int Start, int End, uint[] Symbols);
