using System.CommandLine;
using Station.Flashing.Connect;
using Station.Flashing.Device;
using Station.Flashing.Sessions;
using Station.Flashing.Stub;
using Station.Protocol.Chips;
using Station.Transport.Reset;

namespace Station.Cli.Options;

/// <summary>A command-line value that is present but wrong; reported with exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The options every command that talks to one device takes.</summary>
public sealed class DeviceOptions
{
    public const string StubDirVariable = "STATION_STUB_DIR";

    public Option<string> Port { get; } = new("--port", "-p")
    {
        Description = "Serial port or URL: /dev/ttyUSB0, socket://HOST:PORT, sim://CHIP (an in-process simulated device)",
        Required = true,
    };

    public Option<int> Baud { get; } = new("--baud", "-b")
    {
        Description = "Baud rate to work at after connecting at 115200",
        DefaultValueFactory = _ => 460800,
    };

    public Option<bool> NoStub { get; } = new("--no-stub") { Description = "Flash through the ROM loader only" };

    public Option<string?> StubDir { get; } = new("--stub-dir")
    {
        Description = $"Directory holding flasher stubs as esptool JSON (<chip>.json); default ${StubDirVariable} or ./stubs",
    };

    public Option<string?> Chip { get; } = new("--chip", "-c") { Description = "Expected chip (esp32, esp32s3, …); any other chip fails before writing" };

    public Option<string[]> Reset { get; } = new("--reset")
    {
        Description = "Reset strategies to cycle while connecting: classic, classic-slow, unix-tight, unix-tight-slow, usb-jtag-serial, or a sequence like D0|R1|W0.1|D1|R0|W0.05|D0",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<int> ConnectAttempts { get; } = new("--connect-attempts")
    {
        Description = "Reset-and-sync attempts before giving up",
        DefaultValueFactory = _ => 7,
    };

    public Option<string> After { get; } = new Option<string>("--after")
    {
        Description = "What to do when done: hard-reset (run the app), soft-reset, no-reset",
        DefaultValueFactory = _ => "hard-reset",
    }.AcceptOnlyFromAmong("hard-reset", "soft-reset", "no-reset");

    public void AddTo(Command command)
    {
        command.Add(Port);
        command.Add(Baud);
        command.Add(NoStub);
        command.Add(StubDir);
        command.Add(Chip);
        command.Add(Reset);
        command.Add(ConnectAttempts);
        command.Add(After);
    }

    public SessionOptions Build(ParseResult result, uint? flashSize = null)
    {
        int baud = result.GetValue(Baud);
        if (baud is < 9600 or > 8_000_000)
        {
            throw new UsageException($"--baud {baud} is outside 9600..8000000.");
        }

        ChipSpec? chip = null;
        if (result.GetValue(Chip) is { } chipName && !ChipCatalogue.TryFind(chipName, out chip))
        {
            throw new UsageException($"--chip '{chipName}' is not a known chip ({string.Join(", ", ChipCatalogue.All.Select(c => c.Key))}).");
        }

        IReadOnlyList<IResetStrategy>? strategies = null;
        if (result.GetValue(Reset) is { Length: > 0 } names)
        {
            try
            {
                strategies = names.Select(ResetStrategies.Parse).ToList();
            }
            catch (FormatException e)
            {
                throw new UsageException(e.Message);
            }
        }

        int attempts = result.GetValue(ConnectAttempts);
        if (attempts < 1)
        {
            throw new UsageException("--connect-attempts must be at least 1.");
        }

        return new SessionOptions
        {
            Baud = baud,
            UseStub = !result.GetValue(NoStub),
            Stubs = ResolveStubs(result.GetValue(StubDir)),
            Connect = new ConnectOptions { ResetStrategies = strategies, Attempts = attempts },
            ExpectedChip = chip,
            FlashSize = flashSize,
            After = result.GetValue(After) switch
            {
                "soft-reset" => AfterAction.SoftReset,
                "no-reset" => AfterAction.None,
                _ => AfterAction.HardReset,
            },
        };
    }

    /// <summary>--stub-dir, then $STATION_STUB_DIR, then ./stubs; none when nothing is there.</summary>
    public static StubCatalogue ResolveStubs(string? given)
    {
        if (given is not null)
        {
            return Directory.Exists(given)
                ? StubCatalogue.FromDirectory(given)
                : throw new UsageException($"--stub-dir {given} does not exist.");
        }

        string? fromEnvironment = Environment.GetEnvironmentVariable(StubDirVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment) && Directory.Exists(fromEnvironment))
        {
            return StubCatalogue.FromDirectory(fromEnvironment);
        }

        return Directory.Exists("stubs") ? StubCatalogue.FromDirectory(Path.GetFullPath("stubs")) : StubCatalogue.None;
    }
}
