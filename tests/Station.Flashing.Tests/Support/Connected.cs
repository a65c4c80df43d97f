using Station.Flashing.Connect;
using Station.Flashing.Device;
using Station.Transport.Reset;

namespace Station.Flashing.Tests.Support;

internal static class Connected
{
    /// <summary>Connect options that keep scripted tests fast: one quick reset, short boot-log wait.</summary>
    public static readonly ConnectOptions Fast = new()
    {
        Attempts = 2,
        SyncTriesPerAttempt = 2,
        ResetStrategies = [new UnixTightReset(TimeSpan.FromMilliseconds(5))],
        BootLogQuiet = TimeSpan.FromMilliseconds(20),
    };

    public static Task<EspDevice> ToAsync(ScriptedDevice device, EventLog? events = null) =>
        EspDevice.ConnectAsync(device.Host, Fast, TimeProvider.System, events ?? new EventLog(), CancellationToken.None);
}
