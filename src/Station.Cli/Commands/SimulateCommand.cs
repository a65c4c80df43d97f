using System.CommandLine;
using System.Runtime.InteropServices;
using Station.Cli.Options;
using Station.Protocol.Chips;
using Station.Simulator.Faults;
using Station.Simulator.Hosting;

namespace Station.Cli.Commands;

/// <summary>
/// <c>station simulate</c>: serve simulated chips on TCP ports and/or pseudo-terminals until
/// SIGINT/SIGTERM. SIGUSR1 dumps every device's flash on request; flash is also dumped when a client
/// disconnects and at exit.
/// </summary>
/// <remarks>
/// Stdout, for a parent process to parse (one line each, in this order):
/// <code>
/// Simulating N × ESP32, 4MB flash, pacing on, seed 1
/// Faults: &lt;spec in canonical form&gt;                                       (only with --faults)
/// device &lt;i&gt;  &lt;MAC&gt;  socket://127.0.0.1:4000[  &lt;pty path&gt;][  rfc2217://127.0.0.1:5000]      (one per slot, slot order)
/// Ready. …
/// </code>
/// With <c>--control</c> the process also reads commands from stdin, one per line, and answers each
/// with one stdout line (flushed at once):
/// <list type="bullet">
/// <item><c>swap &lt;i&gt;</c> → <c>swapped &lt;i&gt; &lt;MAC&gt;</c>: the board in slot i is pulled (its flash dumped to
/// <c>&lt;dump dir&gt;/&lt;MAC with dashes&gt;.bin</c> when <c>--dump-dir</c> is set; a TCP client of the slot loses its
/// connection; a pty stays open) and a new board with erased flash and a MAC never used before in this
/// run takes its place, at the same URL and pty path.</item>
/// <item><c>dump</c> → <c>dumped &lt;n&gt;</c>: every board in a slot is dumped (n = number of files).</item>
/// <item>anything else, or a failing command → <c>error &lt;what went wrong&gt;</c>; blank lines are ignored.</item>
/// <item>stdin closing (e.g. the parent died) stops the simulator cleanly, as SIGTERM does: final dumps, then
/// <c>Stopped…</c>.</item>
/// </list>
/// </remarks>
public static class SimulateCommand
{
    private const int SigUsr1 = 10;

    public static Command Create(CommandContext context)
    {
        var chip = new Option<string>("--chip") { Description = "Chip to simulate: esp32, esp32s3, esp32c3, esp8266, …", DefaultValueFactory = _ => "esp32" };
        var count = new Option<int>("--count", "-n") { Description = "How many devices", DefaultValueFactory = _ => 1 };
        var tcp = new Option<string?>("--tcp") { Description = "HOST:PORT for device 0; device i listens on PORT+i (PORT 0 picks free ports). Default 127.0.0.1:4000 unless --pty is given" };
        var pty = new Option<string?>("--pty") { Description = "Directory for one pseudo-terminal per device (<dir>/<chip>-<i>)" };
        var rfc2217 = new Option<string?>("--rfc2217")
        {
            Description = "HOST:PORT for device 0 as an RFC 2217 port (DTR/RTS reach EN/IO0, so resets work); device i on PORT+i (PORT 0 picks free ports)",
        };
        var flashSize = new Option<string>("--flash-size") { Description = "Flash size of every device", DefaultValueFactory = _ => "4MB" };
        var dumpDir = new Option<string?>("--dump-dir") { Description = "Write each device's flash to <dir>/<MAC>.bin on exit, on disconnect and on SIGUSR1" };
        var seed = new Option<ulong>("--seed") { Description = "Seed for the devices' MACs and their faults", DefaultValueFactory = _ => 1 };
        var noPacing = new Option<bool>("--no-pacing") { Description = "Do not model wire time and flash timing (fast tests)" };
        var replaceFinished = new Option<double?>("--replace-finished")
        {
            Description = "Model a continuous line's operator: SECONDS after a board is restarted into its app, put a new unit (new MAC) in its slot",
        };
        var boards = new Option<string?>("--boards")
        {
            Description = "Put previously flashed units back first: every <MAC>.bin flash dump in DIR becomes a board (e.g. a batch's sim-dumps, for QA)",
        };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Print every device's activity" };
        var control = new Option<bool>("--control") { Description = "Read commands on stdin: 'swap <i>' puts a new board in slot i, 'dump' dumps every flash; stdin closing stops" };
        var faults = new Option<string?>("--faults") { Description = FaultsHelp(), HelpName = "SPEC" };
        var command = new Command("simulate", "Serve simulated ESP devices (ROM loader and flasher stub) on TCP ports and pseudo-terminals")
        {
            chip, count, tcp, pty, flashSize, dumpDir, seed, noPacing, verbose, control, replaceFinished, boards, rfc2217, faults,
        };

        command.SetAction((result, ct) => context.RunAsync(async token =>
        {
            var options = Build(result, chip, count, tcp, pty, flashSize, dumpDir, seed, noPacing, verbose, faults, context, rfc2217);
            if (result.GetValue(boards) is { } boardDirectory)
            {
                options = Directory.Exists(boardDirectory)
                    ? options with { ReturnedBoards = ReturnedBoard.FromDumps(boardDirectory) }
                    : throw new UsageException($"--boards {boardDirectory} does not exist.");
            }

            if (result.GetValue(replaceFinished) is { } seconds)
            {
                options = seconds is >= 0 and <= 3600
                    ? options with { ReplaceFinishedAfter = TimeSpan.FromSeconds(seconds) }
                    : throw new UsageException("--replace-finished takes 0..3600 seconds.");
            }

            using var signals = new StopSignals(token);
            await using var host = await StartAsync(options);
            using var sigusr1 = options.DumpDirectory is null ? null : PosixSignalRegistration.Create((PosixSignal)SigUsr1, c =>
            {
                c.Cancel = true;
                _ = DumpAsync(host, context);
            });

            await context.Out.WriteLineAsync(
                $"Simulating {options.Count} × {options.Chip.Name}, {FlashCodes.SizeName(options.FlashSize)} flash, pacing {(options.Pacing ? "on" : "off")}, seed {options.Seed}");
            if (options.Faults is { IsEmpty: false } spec)
            {
                await context.Out.WriteLineAsync($"Faults: {spec}{(options.DumpDirectory is null ? "" : $" (what each board suffered: {options.DumpDirectory}/<MAC>.faults.json)")}");
            }

            foreach (var port in host.Ports)
            {
                string where = string.Join("  ", new[] { port.Url, port.PtyPath, port.Rfc2217Url }.Where(p => p is not null));
                await context.Out.WriteLineAsync($"device {port.Index}  {port.Mac}  {where}");
            }

            await context.Out.WriteLineAsync(options.DumpDirectory is null
                ? "Ready. Ctrl+C stops."
                : $"Ready. Ctrl+C stops; kill -USR1 {Environment.ProcessId} dumps every flash to {options.DumpDirectory}.");
            await context.Out.FlushAsync(token);
            if (result.GetValue(control))
            {
                // Not awaited: a read from stdin cannot always be cancelled; the loop ends with the process.
                _ = ControlAsync(new StreamReader(Console.OpenStandardInput()), host, context.Out, signals);
            }

            try
            {
                await Task.Delay(Timeout.Infinite, signals.Stop);
            }
            catch (OperationCanceledException) when (signals.Stop.IsCancellationRequested)
            {
                // SIGINT/SIGTERM: fall through to dispose, which writes the final dumps.
            }

            await host.DisposeAsync();
            await context.Out.WriteLineAsync(options.DumpDirectory is null ? "Stopped." : $"Stopped; flash dumps are in {options.DumpDirectory}.");
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static async Task<SimulatorHost> StartAsync(SimulatorOptions options)
    {
        try
        {
            return await SimulatorHost.StartAsync(options, CancellationToken.None);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new UsageException($"Cannot listen on {options.TcpHost}:{options.TcpBasePort}: {e.Message}. Choose another --tcp port.");
        }
    }

    /// <summary>The <c>--control</c> loop: one command per stdin line, one answer per stdout line; end of input stops.</summary>
    private static async Task ControlAsync(TextReader input, SimulatorHost host, TextWriter output, StopSignals signals)
    {
        var stop = signals.Stop;
        try
        {
            while (true)
            {
                string? line = await input.ReadLineAsync(stop);
                if (line is null)
                {
                    break;
                }

                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                string answer = await ExecuteAsync(line.Trim(), host, stop);
                await output.WriteLineAsync(answer);
                await output.FlushAsync(stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return;
        }
        catch (IOException)
        {
            // Stdin or stdout went away: the parent is gone.
        }

        signals.RequestStop();
    }

    private static async Task<string> ExecuteAsync(string line, SimulatorHost host, CancellationToken cancellationToken)
    {
        string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        try
        {
            switch (words)
            {
                case ["swap", var slot]:
                    if (!int.TryParse(slot, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index) || index >= host.Ports.Count)
                    {
                        return $"error swap: '{slot}' is not a slot (0..{host.Ports.Count - 1})";
                    }

                    var port = await host.ReplaceBoardAsync(index, cancellationToken);
                    return $"swapped {index} {port.Mac}";
                case ["dump"]:
                    var paths = await host.DumpAllAsync(cancellationToken);
                    return $"dumped {paths.Count}";
                default:
                    return $"error unknown command '{line}' (swap <i>, dump)";
            }
        }
        catch (InvalidOperationException e)
        {
            return $"error {words[0]}: {e.Message}";
        }
        catch (IOException e)
        {
            return $"error {words[0]}: {e.Message}";
        }
    }

    /// <summary>The --faults grammar, as --help prints it.</summary>
    private static string FaultsHelp()
    {
        var text = new System.Text.StringBuilder(
            "Inject faults, e.g. 'corrupt=1e-5;ram-corrupt=0.002;no-download-once=0.05;d3:dead-tx=1;unplug=0.02/1.5s;slow-erase=3'. "
            + "Clauses [dN:]name[=value[/duration]] separated by ';'. dN: = only slot N, counted from 1 (device 0 is d1). "
            + "RATE is per host byte (0..1), P per board (0..1, default 1): each board entering a slot draws its faults once, "
            + "from --seed, its slot and its serial. DURATION: 2, 1.5s or 1500ms. A later clause of the same name wins. "
            + "With --dump-dir, <dir>/<MAC>.faults.json beside each flash dump lists what was injected. Faults: ");
        text.AppendJoin("; ", FaultNames.All.Select(n => $"{n.Name}={ValueName(n)}: {n.Meaning}"));
        return text.ToString();

        static string ValueName(FaultName name) => name.Value switch
        {
            FaultValue.Rate => "RATE",
            FaultValue.Baud => "BAUD",
            FaultValue.Factor => "FACTOR",
            _ when name.DefaultDuration is { } d => $"P[/{(name.Kind == FaultKind.Unplug ? "DELAY" : "DURATION")}, default {d.TotalSeconds:0.###}s]",
            _ => "P",
        };
    }

    private static async Task DumpAsync(SimulatorHost host, CommandContext context)
    {
        var paths = await host.DumpAllAsync(CancellationToken.None);
        await context.Out.WriteLineAsync($"Dumped {paths.Count} flash images: {string.Join(", ", paths)}");
    }

    private static SimulatorOptions Build(
        ParseResult result, Option<string> chip, Option<int> count, Option<string?> tcp, Option<string?> pty, Option<string> flashSize,
        Option<string?> dumpDir, Option<ulong> seed, Option<bool> noPacing, Option<bool> verbose, Option<string?> faults, CommandContext context, Option<string?> rfc2217)
    {
        FaultSpec faultSpec;
        try
        {
            faultSpec = FaultSpec.Parse(result.GetValue(faults));
        }
        catch (FaultSpecException e)
        {
            throw new UsageException($"--faults: {e.Message}.");
        }

        string chipName = result.GetValue(chip)!;
        if (!ChipCatalogue.TryFind(chipName, out var spec))
        {
            throw new UsageException($"--chip '{chipName}' is not a known chip ({string.Join(", ", ChipCatalogue.All.Select(c => c.Key))}).");
        }

        string sizeText = result.GetValue(flashSize)!;
        if (!FlashCodes.TryParseSize(sizeText, out uint size))
        {
            throw new UsageException($"--flash-size '{sizeText}' is not a size like 4MB.");
        }

        string? ptyDir = result.GetValue(pty);
        var (rfcHost, rfcPort) = result.GetValue(rfc2217) is { } rfcText ? HostPort(rfcText, "--rfc2217") : (null, (int?)null);
        string? tcpText = result.GetValue(tcp) ?? (ptyDir is null && rfcPort is null ? "127.0.0.1:4000" : null);
        string? host = null;
        int? basePort = null;
        if (tcpText is not null)
        {
            int colon = tcpText.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(tcpText.AsSpan(colon + 1), out int port) || port is < 0 or > 65535)
            {
                throw new UsageException($"--tcp '{tcpText}' must look like 127.0.0.1:4000.");
            }

            host = tcpText[..colon];
            basePort = port;
        }

        var options = new SimulatorOptions
        {
            Chip = spec,
            Count = result.GetValue(count),
            TcpHost = host ?? rfcHost ?? "127.0.0.1",
            Rfc2217BasePort = rfcPort,
            TcpBasePort = basePort,
            PtyDirectory = ptyDir is null ? null : Path.GetFullPath(ptyDir),
            FlashSize = size,
            DumpDirectory = result.GetValue(dumpDir) is { } d ? Path.GetFullPath(d) : null,
            Seed = result.GetValue(seed),
            Pacing = !result.GetValue(noPacing),
            Time = context.Time,
            Faults = faultSpec.IsEmpty ? null : faultSpec,
            Events = result.GetValue(verbose) ? e => context.Out.WriteLine($"device {e.Index} {e.Mac}: {e.Activity} {e.Detail}") : null,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.ParamName == nameof(SimulatorOptions.Faults) || e.Message.StartsWith("fault clause", StringComparison.Ordinal) ? $"--faults: {e.Message}" : e.Message);
        }

        if (host is not null && rfcHost is not null && host != rfcHost)
        {
            throw new UsageException($"--tcp and --rfc2217 must use the same host ({host} vs {rfcHost}).");
        }

        if (options.DumpDirectory is { } dump)
        {
            Directory.CreateDirectory(dump);
        }

        return options;
    }

    private static (string Host, int? Port) HostPort(string text, string option)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out int port) || port is < 0 or > 65535)
        {
            throw new UsageException($"{option} '{text}' must look like 127.0.0.1:4000.");
        }

        return (text[..colon], port);
    }
}
