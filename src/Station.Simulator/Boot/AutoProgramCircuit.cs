using Station.Transport.Links;

namespace Station.Simulator.Boot;

/// <summary>Logic levels of the chip's EN and IO0 pins (true = high).</summary>
public readonly record struct StrapLevels(bool EnHigh, bool Io0High);

/// <summary>
/// The two-transistor auto-program circuit of Espressif dev boards (esp-serial-protocol.md §8).
/// In line levels (1 = high, and an asserted line is low): DTR,RTS = 1,1 → EN 1, IO0 1;
/// 0,0 → EN 1, IO0 1; 1,0 → EN 0 (reset); 0,1 → IO0 0. So EN is low only when RTS alone is asserted,
/// and IO0 is low only when DTR alone is asserted; asserting both never resets the chip.
/// </summary>
public static class AutoProgramCircuit
{
    public static StrapLevels Levels(LineState lines) =>
        new(EnHigh: !(lines.Rts && !lines.Dtr), Io0High: !(lines.Dtr && !lines.Rts));
}
