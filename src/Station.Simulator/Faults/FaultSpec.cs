using System.Globalization;
using System.Text.RegularExpressions;

namespace Station.Simulator.Faults;

/// <summary>
/// Which faults a simulated fleet suffers, written as semicolon-separated clauses
/// <c>[dN:]name[=value[/duration]]</c>, e.g. <c>corrupt=1e-5;ram-corrupt=0.002;no-download-once=0.05;d3:dead-tx=1;unplug=0.02/1.5s;slow-erase=3</c>.
/// <list type="bullet">
/// <item><c>dN:</c> restricts the clause to slot N, counted from 1 as <c>station run</c> prints slots
/// (simulator device i is slot i + 1); without it the clause applies to every slot.</item>
/// <item>Rates (corrupt, ram-corrupt, drop) are per host byte; probabilities are per board: each board that
/// enters a slot draws its faults once. A probability may be left out (<c>d3:dead-tx</c> = 1).</item>
/// <item>Durations: a number with <c>s</c> (default) or <c>ms</c>: <c>2</c>, <c>1.5s</c>, <c>1500ms</c>.</item>
/// <item>Clauses are read left to right; when several clauses of the same name apply to a board, the
/// last one wins (<c>corrupt=1e-5;d2:corrupt=1e-3</c>). Blank clauses are ignored.</item>
/// </list>
/// </summary>
public sealed partial class FaultSpec
{
    private static readonly TimeSpan MaxDuration = TimeSpan.FromHours(1);

    private FaultSpec(IReadOnlyList<FaultClause> clauses)
    {
        Clauses = clauses;
    }

    public static FaultSpec Empty { get; } = new([]);

    public IReadOnlyList<FaultClause> Clauses { get; }

    public bool IsEmpty => Clauses.Count == 0;

    /// <summary>Reads a spec; throws <see cref="FaultSpecException"/> naming the first bad clause.</summary>
    public static FaultSpec Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Empty;
        }

        var clauses = new List<FaultClause>();
        string[] parts = text.Split(';');
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i].Trim();
            if (part.Length > 0)
            {
                clauses.Add(ParseClause(i + 1, part));
            }
        }

        return new FaultSpec(clauses);
    }

    /// <summary>Throws <see cref="ArgumentException"/> when a clause names a slot the fleet does not have.</summary>
    public void CheckSlots(int slotCount)
    {
        if (Clauses.FirstOrDefault(c => c.Slot > slotCount) is { } clause)
        {
            throw new ArgumentException(
                $"fault clause {clause.Position} '{clause.Text}' names slot {clause.Slot}, but the fleet has {slotCount} slot{(slotCount == 1 ? "" : "s")} (d1..d{slotCount}).");
        }
    }

    /// <summary>The spec in canonical form (what the fault records quote).</summary>
    public override string ToString() => string.Join(';', Clauses);

    private static FaultClause ParseClause(int position, string text)
    {
        FaultSpecException Bad(string problem) => new(position, text, problem);

        string rest = text;
        int? slot = null;
        int colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            string prefix = rest[..colon].Trim();
            if (SlotPrefix().Match(prefix) is not { Success: true } match)
            {
                throw Bad($"'{prefix}:' is not a slot restriction; write dN: with N the slot counted from 1 (d1: is the first slot)");
            }

            if (!int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
            {
                throw Bad($"slot '{match.Groups[1].Value}' is not 1 or more; slots count from 1 (d1: is the first slot)");
            }

            slot = n;
            rest = rest[(colon + 1)..].Trim();
        }

        int equals = rest.IndexOf('=', StringComparison.Ordinal);
        string name = (equals < 0 ? rest : rest[..equals]).Trim().ToLowerInvariant();
        string? value = equals < 0 ? null : rest[(equals + 1)..].Trim();
        if (!FaultNames.TryFind(name, out var fault))
        {
            throw Bad($"'{name}' is not a fault; known faults: {string.Join(", ", FaultNames.All.Select(n => n.Name))}");
        }

        string? duration = null;
        if (value is not null && value.IndexOf('/', StringComparison.Ordinal) is int slash and >= 0)
        {
            duration = value[(slash + 1)..].Trim();
            value = value[..slash].Trim();
            if (fault.DefaultDuration is null)
            {
                throw Bad($"{fault.Name} takes no /DURATION (only unplug and busy do)");
            }
        }

        double number = ParseValue(fault, value, Bad);
        TimeSpan? time = fault.DefaultDuration is { } fallback ? (duration is null ? fallback : ParseDuration(fault, duration, Bad)) : null;
        return new FaultClause(position, text, slot, fault.Kind, number, time);
    }

    private static double ParseValue(FaultName fault, string? value, Func<string, FaultSpecException> bad)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fault.Value switch
            {
                FaultValue.Probability => 1,
                FaultValue.Rate => throw bad($"{fault.Name} needs a rate per byte, e.g. {fault.Name}=1e-5"),
                FaultValue.Baud => throw bad($"{fault.Name} needs a baud rate, e.g. {fault.Name}=460800"),
                _ => throw bad($"{fault.Name} needs a factor, e.g. {fault.Name}=3"),
            };
        }

        if (fault.Value == FaultValue.Baud)
        {
            return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int baud) && baud is >= 300 and <= 50_000_000
                ? baud
                : throw bad($"'{value}' is not a baud rate (a whole number from 300 to 50000000)");
        }

        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || !double.IsFinite(number))
        {
            throw bad($"'{value}' is not a number");
        }

        return fault.Value switch
        {
            FaultValue.Rate when number is < 0 or > 1 => throw bad($"rate {value} is outside 0..1 (it is per byte: 1e-5 is one byte in 100000)"),
            FaultValue.Probability when number is < 0 or > 1 => throw bad($"probability {value} is outside 0..1 (it is per board: 0.05 is one board in 20)"),
            FaultValue.Factor when number is < 1 or > 1000 => throw bad($"factor {value} is outside 1..1000"),
            _ => number,
        };
    }

    private static TimeSpan ParseDuration(FaultName fault, string text, Func<string, FaultSpecException> bad)
    {
        var match = DurationPattern().Match(text);
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount))
        {
            throw bad($"'{text}' is not a duration; write 2, 1.5s or 1500ms");
        }

        TimeSpan duration = match.Groups[2].Value == "ms" ? TimeSpan.FromMilliseconds(amount) : TimeSpan.FromSeconds(amount);
        return duration > TimeSpan.Zero && duration <= MaxDuration
            ? duration
            : throw bad($"{fault.Name} duration {text} is outside 0..1 h");
    }

    [GeneratedRegex(@"^[dD](\d+)$")]
    private static partial Regex SlotPrefix();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*(ms|s)?$")]
    private static partial Regex DurationPattern();
}
