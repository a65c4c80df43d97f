using System.Globalization;

namespace Station.Simulator.Faults;

/// <summary>
/// One clause of a <see cref="FaultSpec"/>: <c>[dN:]name[=value[/duration]]</c>.
/// </summary>
/// <param name="Position">1-based position in the spec (for messages).</param>
/// <param name="Text">The clause as written.</param>
/// <param name="Slot">The 1-based slot it is restricted to (<c>dN:</c>), or null for the whole fleet.</param>
/// <param name="Value">Rate, probability, baud or factor.</param>
/// <param name="Duration">The unplug delay or busy duration, where the fault takes one.</param>
public sealed record FaultClause(int Position, string Text, int? Slot, FaultKind Kind, double Value, TimeSpan? Duration)
{
    public FaultName Name => FaultNames.Of(Kind);

    /// <summary>True when a board in slot index <paramref name="slotIndex"/> (0-based) is concerned.</summary>
    public bool AppliesTo(int slotIndex) => Slot is null || Slot == slotIndex + 1;

    /// <summary>The clause in canonical form.</summary>
    public override string ToString()
    {
        string slot = Slot is { } s ? $"d{s}:" : "";
        string value = Value.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();
        string duration = Duration is { } d ? "/" + d.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s" : "";
        return $"{slot}{Name.Name}={value}{duration}";
    }
}
