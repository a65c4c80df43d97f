namespace Station.Transport.Discovery;

/// <summary>
/// What the station knows about one USB-serial bridge (by VID:PID): the fastest baud it holds reliably,
/// the reset sequences that work through it, and whether it is the chip's own USB-Serial/JTAG
/// peripheral. These seed a slot's baud ladder and reset order; the profile still has the last word on
/// what is tried at all.
/// </summary>
/// <param name="Name">For people: <c>CP210x</c>, <c>CH340</c>, <c>ESP USB-Serial/JTAG</c>.</param>
public sealed record AdapterSpec(UsbId Id, string Name)
{
    /// <summary>The fastest baud that works reliably through this bridge; null when the baud does not limit it (no UART behind it).</summary>
    public int? MaxReliableBaud { get; init; }

    /// <summary>Reset strategies (names as in profiles) to try first, before the profile's own.</summary>
    public IReadOnlyList<string> ResetOrder { get; init; } = [];

    /// <summary>
    /// The chip's own USB-Serial/JTAG peripheral: the port disappears and comes back at every chip reset
    /// (possibly under another /dev name), and its USB serial number is the chip's MAC.
    /// </summary>
    public bool UsbSerialJtag { get; init; }

    /// <summary>What to tell the operator or engineer about this bridge when things fail (drivers, power).</summary>
    public string? Advice { get; init; }

    /// <summary>
    /// The rungs of <paramref name="ladder"/> this bridge holds (at or below <see cref="MaxReliableBaud"/>),
    /// keeping at least the slowest one so a slot always has a baud to use.
    /// </summary>
    public IReadOnlyList<int> SeedLadder(IReadOnlyList<int> ladder)
    {
        ArgumentNullException.ThrowIfNull(ladder);
        if (MaxReliableBaud is not int max || ladder.Count == 0)
        {
            return ladder;
        }

        var kept = ladder.Where(b => b <= max).ToList();
        return kept.Count > 0 ? kept : [ladder.Min()];
    }

    /// <summary><see cref="ResetOrder"/> first, then the profile's strategies not already in it (names compared case-insensitively).</summary>
    public IReadOnlyList<string> SeedResets(IReadOnlyList<string> profileOrder)
    {
        ArgumentNullException.ThrowIfNull(profileOrder);
        return [.. ResetOrder.Concat(profileOrder).Distinct(StringComparer.OrdinalIgnoreCase)];
    }
}

/// <summary>
/// The bridges the station knows, as data. Figures are conservative: the highest standard rate of the
/// usual ladder (115200 · 230400 · 460800 · 921600 · 1500000 · 2000000) that the chip's datasheet
/// supports and that field reports do not show failing; a bridge not listed keeps the whole ladder.
/// A station file can add or override entries (<see cref="With"/>).
/// </summary>
public sealed class AdapterCatalogue
{
    private const string ChAdvice =
        "WCH bridges (CH34x, CH9102) corrupt data with some operating-system drivers: if RAM uploads fail with ROM error 0x07, install WCH's vendor driver, then check USB power and the cable.";

    private const string UartResets = "unix-tight";

    private readonly Dictionary<UsbId, AdapterSpec> _byId;

    private AdapterCatalogue(IEnumerable<AdapterSpec> specs)
    {
        _byId = [];
        foreach (var spec in specs)
        {
            _byId[spec.Id] = spec;
        }
    }

    /// <summary>The built-in table.</summary>
    public static AdapterCatalogue Default { get; } = new(
    [
        new(new UsbId(0x10c4, 0xea60), "CP210x") { MaxReliableBaud = 921600 },
        new(new UsbId(0x10c4, 0xea70), "CP2105") { MaxReliableBaud = 921600 },
        new(new UsbId(0x10c4, 0xea71), "CP2108") { MaxReliableBaud = 921600 },
        // CH340/CH341 drift at high rates (F3) and glitch the auto-reset circuit when DTR and RTS change one after the other.
        new(new UsbId(0x1a86, 0x7523), "CH340") { MaxReliableBaud = 460800, ResetOrder = [UartResets, "unix-tight-slow"], Advice = ChAdvice },
        new(new UsbId(0x1a86, 0x5523), "CH341") { MaxReliableBaud = 460800, ResetOrder = [UartResets, "unix-tight-slow"], Advice = ChAdvice },
        new(new UsbId(0x1a86, 0x55d4), "CH9102") { MaxReliableBaud = 921600, ResetOrder = [UartResets, "unix-tight-slow"], Advice = ChAdvice },
        new(new UsbId(0x1a86, 0x55d3), "CH343") { MaxReliableBaud = 921600, ResetOrder = [UartResets, "unix-tight-slow"], Advice = ChAdvice },
        new(new UsbId(0x1a86, 0x55d2), "CH342") { MaxReliableBaud = 921600, ResetOrder = [UartResets, "unix-tight-slow"], Advice = ChAdvice },
        new(new UsbId(0x0403, 0x6001), "FT232R") { MaxReliableBaud = 921600 },
        new(new UsbId(0x0403, 0x6010), "FT2232H") { MaxReliableBaud = 2000000 },
        new(new UsbId(0x0403, 0x6011), "FT4232H") { MaxReliableBaud = 2000000 },
        new(new UsbId(0x0403, 0x6014), "FT232H") { MaxReliableBaud = 2000000 },
        new(new UsbId(0x0403, 0x6015), "FT-X") { MaxReliableBaud = 921600 },
        new(new UsbId(0x067b, 0x2303), "PL2303") { MaxReliableBaud = 230400, Advice = "Prolific PL2303 clones are refused by newer drivers and lose data above 230400 baud: replace the adapter." },
        // The chip's own USB: no UART, so the baud does not matter; it re-enumerates at every reset.
        new(new UsbId(0x303a, 0x1001), "ESP USB-Serial/JTAG")
        {
            ResetOrder = ["usb-jtag-serial"],
            UsbSerialJtag = true,
            Advice = "The port disappears at every chip reset and comes back, maybe under another name: the station follows it by its MAC.",
        },
    ]);

    public IReadOnlyCollection<AdapterSpec> All => _byId.Values;

    public AdapterSpec? Find(UsbId id) => _byId.GetValueOrDefault(id);

    /// <summary>This table with <paramref name="overrides"/> added (an entry with a listed VID:PID replaces it).</summary>
    public AdapterCatalogue With(IEnumerable<AdapterSpec> overrides) => new(_byId.Values.Concat(overrides));
}
