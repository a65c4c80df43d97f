using Station.Protocol.Chips;
using Station.Protocol.Status;

namespace Station.Flashing.Tests.EndToEnd;

/// <summary>
/// The station's client against the device simulator, every simulated chip, with and without the
/// real Espressif stubs. Ground truth is the simulated chip's flash, not the client's own view.
/// </summary>
public abstract class ClientAgainstSimulatorTests(Medium medium)
{
    public static TheoryData<string, bool> Chips()
    {
        var data = new TheoryData<string, bool>();
        foreach (string chip in new[] { "esp32", "esp32s3", "esp32c3", "esp8266", "esp32s2", "esp32c2", "esp32c6", "esp32h2" })
        {
            data.Add(chip, false);
            data.Add(chip, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Chips))]
    public async Task Flash_TwoRegions_LandInTheChipsFlashExactly(string key, bool stub)
    {
        ChipCatalogue.TryFind(key, out var chip);

        var (outcome, device, plan) = await SimulatedLine.FlashAsync(chip, medium, stub);

        Assert.Equal(chip, outcome.Ready.Device.Chip);
        Assert.Equal(device.Mac, outcome.Ready.Device.Identity.Mac);
        Assert.Equal(stub ? LoaderKind.Stub : chip.Rom == RomFamily.Esp8266 ? LoaderKind.Esp8266Rom : LoaderKind.Esp32Rom, outcome.Ready.Device.Loader);
        foreach (var region in plan.Regions)
        {
            Assert.Equal(region.Data, device.Flash.Read(region.Address, region.Data.Length));
        }

        // Only the ESP8266 ROM cannot verify; everything else must be verified by the device's MD5.
        Assert.Equal(!(chip.Rom == RomFamily.Esp8266 && !stub), outcome.AllVerified);
    }
}

public sealed class ClientAgainstSimulatorInMemoryTests() : ClientAgainstSimulatorTests(Medium.InMemory);

public sealed class ClientAgainstSimulatorTcpTests() : ClientAgainstSimulatorTests(Medium.Tcp);

public sealed class ClientAgainstSimulatorPtyTests() : ClientAgainstSimulatorTests(Medium.Pty);
