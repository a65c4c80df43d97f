using Station.Flashing.Device;
using Station.Flashing.Sessions;
using Station.Flashing.Stub;
using Station.Flashing.Tests.Support;
using Station.Flashing.Write;
using Station.Protocol.Chips;
using Station.Protocol.Images;
using Station.Simulator.Device;
using Station.Simulator.Hosting;
using Station.Transport.Links;
using Station.Transport.Memory;

namespace Station.Flashing.Tests.EndToEnd;

/// <summary>How the client reaches the simulated chip.</summary>
public enum Medium
{
    InMemory,
    Tcp,
    Pty,
}

/// <summary>Runs the station's client against one simulated chip over a chosen medium, and checks the chip's flash.</summary>
internal static class SimulatedLine
{
    public static IReadOnlyList<ImageSource> Images(ChipSpec chip)
    {
        var random = new Random(chip.Name.Length);
        byte[] app = new byte[96 * 1024 + 3];   // odd length: exercises the 4-byte padding
        for (int i = 0; i < app.Length; i++)
        {
            app[i] = random.Next(4) == 0 ? (byte)random.Next() : (byte)(i >> 8);
        }

        var bootloader = EspImageBuilder.Build(chip, 0x4008_0400, [new SegmentData(0x3FFF_0030, new byte[4096]), new SegmentData(0x4007_8000, app[..8192])]);
        return [new ImageSource(chip.BootloaderOffset, bootloader, "bootloader.bin"), new ImageSource(0x10000, app, "app.bin")];
    }

    /// <summary>Flashes <see cref="Images"/> and returns the outcome plus the simulated chip that received them.</summary>
    public static async Task<(FlashOutcome Outcome, SimulatedDevice Device, FlashPlan Plan)> FlashAsync(
        ChipSpec chip, Medium medium, bool stub, int baud = 460800, FlashSettings? settings = null, EventLog? events = null)
    {
        var session = new SessionOptions
        {
            Baud = baud,
            UseStub = stub,
            Stubs = stub ? StubFiles.Catalogue : StubCatalogue.None,
            Connect = Connected.Fast,
            After = AfterAction.None,
        };
        events ??= new EventLog();
        switch (medium)
        {
            case Medium.InMemory:
            {
                var device = new SimulatedDevice(new DeviceOptions { Chip = chip, Index = 3, Seed = 11 });
                var pair = new InMemoryLinkPair();
                await using var attachment = device.Attach(pair.Device);
                await using var host = pair.Host;
                var (outcome, plan) = await RunAsync(pair.Host, chip, session, settings, events);
                return (outcome, device, plan);
            }

            default:
            {
                string? ptyDir = medium == Medium.Pty ? Path.Combine(Path.GetTempPath(), $"station-pty-{Guid.NewGuid():N}") : null;
                await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions
                {
                    Chip = chip,
                    TcpBasePort = medium == Medium.Tcp ? 0 : null,
                    PtyDirectory = ptyDir,
                }, CancellationToken.None);
                string address = medium == Medium.Tcp ? simulator.Ports[0].Url! : simulator.Ports[0].PtyPath!;
                await using var link = await LinkFactory.Default().OpenAsync(address, 115200, CancellationToken.None);
                var (outcome, plan) = await RunAsync(link, chip, session, settings, events);
                return (outcome, simulator.Devices[0], plan);
            }
        }
    }

    private static async Task<(FlashOutcome, FlashPlan)> RunAsync(IByteLink link, ChipSpec chip, SessionOptions session, FlashSettings? settings, EventLog events)
    {
        var ready = await DeviceSession.OpenAsync(link, session, TimeProvider.System, events, CancellationToken.None);
        var plan = FlashPlan.Prepare(Images(chip), ready.Device.Chip, settings ?? FlashSettings.Keep, compress: true);
        var outcome = await FlashProcedure.WriteAsync(ready, plan, compress: true, AfterAction.None, CancellationToken.None);
        return (outcome, plan);
    }
}
