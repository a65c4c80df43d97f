using System.CommandLine;
using System.Runtime.InteropServices;
using Station.Cli.Options;
using Station.Protocol.Chips;
using Station.Simulator.Hosting;

namespace Station.Cli.Commands;

/// <summary>
/// <c>station simulate</c>: serve simulated chips on TCP ports and/or pseudo-terminals until
/// SIGINT/SIGTERM. SIGUSR1 dumps every device's flash on request; flash is also dumped when a client
/// disconnects and at exit.
/// </summary>
public static class SimulateCommand
{
    private const int SigUsr1 = 10;

    public static Command Create(CommandContext context)
    {
        var chip = new Option<string>("--chip") { Description = "Chip to simulate: esp32, esp32s3, esp32c3, esp8266, …", DefaultValueFactory = _ => "esp32" };
        var count = new Option<int>("--count", "-n") { Description = "How many devices", DefaultValueFactory = _ => 1 };
        var tcp = new Option<string?>("--tcp") { Description = "HOST:PORT for device 0; device i listens on PORT+i (PORT 0 picks free ports). Default 127.0.0.1:4000 unless --pty is given" };
        var pty = new Option<string?>("--pty") { Description = "Directory for one pseudo-terminal per device (<dir>/<chip>-<i>)" };
        var flashSize = new Option<string>("--flash-size") { Description = "Flash size of every device", DefaultValueFactory = _ => "4MB" };
        var dumpDir = new Option<string?>("--dump-dir") { Description = "Write each device's flash to <dir>/<MAC>.bin on exit, on disconnect and on SIGUSR1" };
        var seed = new Option<ulong>("--seed") { Description = "Seed for the devices' MACs", DefaultValueFactory = _ => 1 };
        var noPacing = new Option<bool>("--no-pacing") { Description = "Do not model wire time and flash timing (fast tests)" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Print every device's activity" };
        var command = new Command("simulate", "Serve simulated ESP devices (ROM loader and flasher stub) on TCP ports and pseudo-terminals")
        {
            chip, count, tcp, pty, flashSize, dumpDir, seed, noPacing, verbose,
        };

        command.SetAction((result, ct) => context.RunAsync(async token =>
        {
            var options = Build(result, chip, count, tcp, pty, flashSize, dumpDir, seed, noPacing, verbose, context);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
            await using var host = await StartAsync(options);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
            using var sigusr1 = options.DumpDirectory is null ? null : PosixSignalRegistration.Create((PosixSignal)SigUsr1, c =>
            {
                c.Cancel = true;
                _ = DumpAsync(host, context);
            });

            await context.Out.WriteLineAsync(
                $"Simulating {options.Count} × {options.Chip.Name}, {FlashCodes.SizeName(options.FlashSize)} flash, pacing {(options.Pacing ? "on" : "off")}, seed {options.Seed}");
            foreach (var port in host.Ports)
            {
                string where = string.Join("  ", new[] { port.Url, port.PtyPath }.Where(p => p is not null));
                await context.Out.WriteLineAsync($"device {port.Index}  {port.Mac}  {where}");
            }

            await context.Out.WriteLineAsync(options.DumpDirectory is null
                ? "Ready. Ctrl+C stops."
                : $"Ready. Ctrl+C stops; kill -USR1 {Environment.ProcessId} dumps every flash to {options.DumpDirectory}.");
            await context.Out.FlushAsync(token);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
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

    private static async Task DumpAsync(SimulatorHost host, CommandContext context)
    {
        var paths = await host.DumpAllAsync(CancellationToken.None);
        await context.Out.WriteLineAsync($"Dumped {paths.Count} flash images: {string.Join(", ", paths)}");
    }

    private static SimulatorOptions Build(
        ParseResult result, Option<string> chip, Option<int> count, Option<string?> tcp, Option<string?> pty, Option<string> flashSize,
        Option<string?> dumpDir, Option<ulong> seed, Option<bool> noPacing, Option<bool> verbose, CommandContext context)
    {
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
        string? tcpText = result.GetValue(tcp) ?? (ptyDir is null ? "127.0.0.1:4000" : null);
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
            TcpHost = host ?? "127.0.0.1",
            TcpBasePort = basePort,
            PtyDirectory = ptyDir is null ? null : Path.GetFullPath(ptyDir),
            FlashSize = size,
            DumpDirectory = result.GetValue(dumpDir) is { } d ? Path.GetFullPath(d) : null,
            Seed = result.GetValue(seed),
            Pacing = !result.GetValue(noPacing),
            Time = context.Time,
            Events = result.GetValue(verbose) ? e => context.Out.WriteLine($"device {e.Index} {e.Mac}: {e.Activity} {e.Detail}") : null,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        if (options.DumpDirectory is { } dump)
        {
            Directory.CreateDirectory(dump);
        }

        return options;
    }
}
