using System.Globalization;
using Station.Transport.Links;

namespace Station.Transport.Reset;

/// <summary>
/// Classic reset for the two-transistor auto-program circuit: EN low, then IO0 low as EN is released.
/// <paramref name="Delay"/> is how long IO0 stays low after EN goes high (0.05 s; 0.55 s for slow EN caps).
/// </summary>
public sealed record ClassicReset(TimeSpan Delay) : IResetStrategy
{
    public string Name => $"classic({Delay.TotalSeconds.ToString(CultureInfo.InvariantCulture)})";

    public async ValueTask ResetAsync(IByteLink link, TimeProvider time, CancellationToken cancellationToken)
    {
        var lines = new LineDriver(link, time, cancellationToken);
        await lines.Dtr(false);
        await lines.Rts(true);        // EN low: chip held in reset
        await lines.Wait(TimeSpan.FromMilliseconds(100));
        await lines.Dtr(true);        // IO0 low ...
        await lines.Rts(false);       // ... as EN is released: the ROM samples the strap
        await lines.Wait(Delay);
        await lines.Dtr(false);
    }
}

/// <summary>
/// Like the classic reset but sets both lines in one TIOCMSET, so EN and IO0 change at the same
/// instant; more reliable on Linux and macOS.
/// </summary>
public sealed record UnixTightReset(TimeSpan Delay) : IResetStrategy
{
    public string Name => $"unix-tight({Delay.TotalSeconds.ToString(CultureInfo.InvariantCulture)})";

    public async ValueTask ResetAsync(IByteLink link, TimeProvider time, CancellationToken cancellationToken)
    {
        var lines = new LineDriver(link, time, cancellationToken);
        await lines.Both(false, false);
        await lines.Both(true, true);
        await lines.Both(false, true);   // EN low
        await lines.Wait(TimeSpan.FromMilliseconds(100));
        await lines.Both(true, false);   // IO0 low, EN high, together
        await lines.Wait(Delay);
        await lines.Both(false, false);
        await lines.Dtr(false);
    }
}

/// <summary>The sequence the chips' own USB-Serial/JTAG peripheral understands as "reset into download".</summary>
public sealed record UsbJtagSerialReset : IResetStrategy
{
    public string Name => "usb-jtag-serial";

    public async ValueTask ResetAsync(IByteLink link, TimeProvider time, CancellationToken cancellationToken)
    {
        var lines = new LineDriver(link, time, cancellationToken);
        await lines.Rts(false);
        await lines.Dtr(false);
        await lines.Wait(TimeSpan.FromMilliseconds(100));
        await lines.Dtr(true);
        await lines.Rts(false);
        await lines.Wait(TimeSpan.FromMilliseconds(100));
        await lines.Rts(true);
        await lines.Dtr(false);
        await lines.Rts(true);
        await lines.Wait(TimeSpan.FromMilliseconds(100));
        await lines.Dtr(false);
        await lines.Rts(false);
    }
}

/// <summary>Pulses EN to restart the chip into whatever its straps select (normally the app).</summary>
public sealed record HardReset(bool UsbPeripheral = false) : IResetStrategy
{
    public string Name => UsbPeripheral ? "hard-reset(usb)" : "hard-reset";

    public async ValueTask ResetAsync(IByteLink link, TimeProvider time, CancellationToken cancellationToken)
    {
        var lines = new LineDriver(link, time, cancellationToken);
        var hold = TimeSpan.FromMilliseconds(UsbPeripheral ? 200 : 100);
        await lines.Rts(true);
        await lines.Wait(hold);
        await lines.Rts(false);
        if (UsbPeripheral)
        {
            await lines.Wait(hold);
        }
    }
}

/// <summary>
/// A sequence written as <c>D0|R1|W0.1|D1|R0|W0.05|D0</c>: D = DTR, R = RTS (1 = asserted),
/// U = both at once (<c>U1,0</c> = DTR asserted, RTS released), W = wait in seconds.
/// </summary>
public sealed record CustomReset : IResetStrategy
{
    private readonly IReadOnlyList<Step> _steps;

    private CustomReset(string sequence, IReadOnlyList<Step> steps)
    {
        Sequence = sequence;
        _steps = steps;
    }

    public string Sequence { get; }

    public string Name => $"custom({Sequence})";

    public static CustomReset Parse(string sequence)
    {
        if (string.IsNullOrWhiteSpace(sequence))
        {
            throw new FormatException("A custom reset sequence is empty.");
        }

        var steps = new List<Step>();
        foreach (string raw in sequence.Split('|'))
        {
            string token = raw.Trim();
            steps.Add(ParseStep(token, sequence));
        }

        return new CustomReset(sequence.Trim(), steps);
    }

    public async ValueTask ResetAsync(IByteLink link, TimeProvider time, CancellationToken cancellationToken)
    {
        var lines = new LineDriver(link, time, cancellationToken);
        foreach (var step in _steps)
        {
            switch (step.Kind)
            {
                case 'D':
                    await lines.Dtr(step.First);
                    break;
                case 'R':
                    await lines.Rts(step.First);
                    break;
                case 'U':
                    await lines.Both(step.First, step.Second);
                    break;
                default:
                    await lines.Wait(step.Wait);
                    break;
            }
        }
    }

    private static Step ParseStep(string token, string sequence)
    {
        FormatException Bad(string why) => new($"Custom reset sequence '{sequence}': step '{token}' {why}.");

        if (token.Length < 2)
        {
            throw Bad("is too short (expected D0, R1, U1,0 or W0.1)");
        }

        char kind = char.ToUpperInvariant(token[0]);
        string arg = token[1..];
        switch (kind)
        {
            case 'D' or 'R':
                return arg is "0" or "1" ? new Step(kind, arg == "1", false, default) : throw Bad("needs 0 or 1");
            case 'U':
                string[] parts = arg.Split(',');
                if (parts.Length != 2 || parts.Any(p => p is not ("0" or "1")))
                {
                    throw Bad("needs two 0/1 values, e.g. U1,0");
                }

                return new Step(kind, parts[0] == "1", parts[1] == "1", default);
            case 'W':
                if (!double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || seconds < 0 || seconds > 10)
                {
                    throw Bad("needs a wait in seconds between 0 and 10");
                }

                return new Step(kind, false, false, TimeSpan.FromSeconds(seconds));
            default:
                throw Bad("must start with D, R, U or W");
        }
    }

    private readonly record struct Step(char Kind, bool First, bool Second, TimeSpan Wait);
}

/// <summary>The reset strategies by name, and the order the connect step cycles through.</summary>
public static class ResetStrategies
{
    public static readonly TimeSpan DefaultDelay = TimeSpan.FromMilliseconds(50);
    public static readonly TimeSpan SlowDelay = TimeSpan.FromMilliseconds(550);

    /// <summary>Linux/macOS order for USB-UART bridges: tight then classic, each with the short then long delay.</summary>
    public static IReadOnlyList<IResetStrategy> ForUartBridge() =>
    [
        new UnixTightReset(DefaultDelay),
        new UnixTightReset(SlowDelay),
        new ClassicReset(DefaultDelay),
        new ClassicReset(SlowDelay),
    ];

    /// <summary>Chips on their own USB-Serial/JTAG peripheral understand only their own sequence.</summary>
    public static IReadOnlyList<IResetStrategy> ForUsbJtagSerial() => [new UsbJtagSerialReset()];

    /// <summary>
    /// Parses a name used in profiles and on the command line: classic, classic-slow, unix-tight,
    /// unix-tight-slow, usb-jtag-serial, or a custom sequence such as <c>D0|R1|W0.1|D1|R0|W0.05|D0</c>.
    /// </summary>
    public static IResetStrategy Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "classic" => new ClassicReset(DefaultDelay),
        "classic-slow" => new ClassicReset(SlowDelay),
        "unix-tight" or "tight" => new UnixTightReset(DefaultDelay),
        "unix-tight-slow" or "tight-slow" => new UnixTightReset(SlowDelay),
        "usb-jtag-serial" or "usb-jtag" => new UsbJtagSerialReset(),
        _ when name.Contains('|', StringComparison.Ordinal) || name.TrimStart().StartsWith('D') || name.TrimStart().StartsWith('R') => CustomReset.Parse(name),
        _ => throw new FormatException(
            $"Unknown reset strategy '{name}'. Use classic, classic-slow, unix-tight, unix-tight-slow, usb-jtag-serial or a sequence like D0|R1|W0.1|D1|R0|W0.05|D0."),
    };
}
