using System.CommandLine;
using Station.Cli.Demo;
using Station.Cli.Options;
using Station.Flashing.Sessions;
using Station.Flashing.Write;
using Station.Protocol.Chips;
using Station.Protocol.Images;
using Station.Simulator.Hosting;

namespace Station.Cli.Commands;

/// <summary>
/// <c>station demo</c>: the whole path on a simulated device, for a newcomer or a trainee. Starts a
/// simulated chip on a local TCP port (wire time and flash timing modelled), flashes demo images
/// through exactly the code a real port uses, then compares the simulator's flash dump with the
/// images byte for byte.
/// </summary>
public static class DemoCommand
{
    public static Command Create(CommandContext context)
    {
        var chip = new Option<string>("--chip") { Description = "Chip to simulate", DefaultValueFactory = _ => "esp32" };
        var baud = new Option<int>("--baud", "-b") { Description = "Baud rate to flash at", DefaultValueFactory = _ => 921600 };
        var noPacing = new Option<bool>("--no-pacing") { Description = "Do not model wire time and flash timing" };
        var noStub = new Option<bool>("--no-stub") { Description = "Flash through the ROM loader only" };
        var stubDir = new Option<string?>("--stub-dir") { Description = "Flasher stubs (default $STATION_STUB_DIR or ./stubs)" };
        var dumpDir = new Option<string>("--dump-dir") { Description = "Where the simulator writes its flash dump", DefaultValueFactory = _ => Path.Combine("reports", "demo") };
        var command = new Command("demo", "Start a simulated device, flash demo images onto it, and check its flash byte for byte")
        {
            chip, baud, noPacing, noStub, stubDir, dumpDir,
        };

        command.SetAction((result, ct) => context.RunAsync(async token =>
        {
            string chipName = result.GetValue(chip)!;
            if (!ChipCatalogue.TryFind(chipName, out var spec))
            {
                throw new UsageException($"--chip '{chipName}' is not a known chip ({string.Join(", ", ChipCatalogue.All.Select(c => c.Key))}).");
            }

            string dumps = Path.GetFullPath(result.GetValue(dumpDir)!);
            Directory.CreateDirectory(dumps);
            var images = DemoImages.For(spec);
            var simulator = await SimulatorHost.StartAsync(new SimulatorOptions
            {
                Chip = spec,
                TcpBasePort = 0,
                DumpDirectory = dumps,
                Pacing = !result.GetValue(noPacing),
                Time = context.Time,
            }, token);
            var port = simulator.Ports[0];
            await context.Out.WriteLineAsync($"Simulated {spec.Name} with MAC {port.Mac} listening on {port.Url}");

            var session = new SessionOptions
            {
                Baud = result.GetValue(baud),
                UseStub = !result.GetValue(noStub),
                Stubs = DeviceOptions.ResolveStubs(result.GetValue(stubDir)),
            };
            FlashOutcome outcome;
            PreparedRegion[] regions;
            await using (simulator)
            {
                await using var link = await context.OpenAsync(port.Url!, token);
                (outcome, regions) = await context.Reporter.ShowAsync(async events =>
                {
                    var ready = await DeviceSession.OpenAsync(link, session, context.Time, events, token);
                    var plan = FlashPlan.Prepare(images, ready.Device.Chip, FlashSettings.Keep, compress: true);
                    var done = await FlashProcedure.WriteAsync(ready, plan, compress: true, session.After, token);
                    return (done, plan.Regions.ToArray());
                });
            }

            string dumpPath = Path.Combine(dumps, port.Device.DumpFileName);
            byte[] flash = await File.ReadAllBytesAsync(dumpPath, token);
            bool allMatch = true;
            foreach (var region in regions)
            {
                bool same = flash.AsSpan((int)region.Address, region.Data.Length).SequenceEqual(region.Data);
                allMatch &= same;
                await context.Out.WriteLineAsync($"0x{region.Address:X6} {region.Name,-20} {region.Data.Length,8} bytes: {(same ? "flash dump matches" : "FLASH DUMP DIFFERS")}");
            }

            await context.Out.WriteLineAsync(allMatch && outcome.AllVerified
                ? $"PASS {port.Mac}: written, verified by MD5 on the device, and the simulator's flash ({dumpPath}) equals the images."
                : $"FAIL {port.Mac}: see above.");
            return allMatch && outcome.AllVerified ? ExitCodes.Success : ExitCodes.Unexpected;
        }, ct));
        return command;
    }
}
