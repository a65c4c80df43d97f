using Station.Flashing.Connect;
using Station.Flashing.Device;
using Station.Flashing.Stub;
using Station.Protocol.Chips;

namespace Station.Flashing.Sessions;

/// <summary>How to bring one device from "plugged in" to "ready for flash commands".</summary>
public sealed record SessionOptions
{
    /// <summary>The baud to work at once connected (connecting is always at the ROM's 115200).</summary>
    public int Baud { get; init; } = 460800;

    /// <summary>Use the flasher stub when a stub file exists for the chip.</summary>
    public bool UseStub { get; init; } = true;

    public StubCatalogue Stubs { get; init; } = StubCatalogue.None;

    public ConnectOptions Connect { get; init; } = new();

    /// <summary>When set, any other chip fails at once, before anything is written.</summary>
    public ChipSpec? ExpectedChip { get; init; }

    /// <summary>Flash size to use instead of the one read from the flash chip's JEDEC id.</summary>
    public uint? FlashSize { get; init; }

    public AfterAction After { get; init; } = AfterAction.HardReset;
}
