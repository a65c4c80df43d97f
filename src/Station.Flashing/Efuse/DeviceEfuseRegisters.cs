using Station.Flashing.Device;

namespace Station.Flashing.Efuse;

/// <summary>The registers of a connected <see cref="EspDevice"/>.</summary>
public sealed class DeviceEfuseRegisters(EspDevice device) : IEfuseRegisters
{
    public Task<uint> ReadAsync(uint address, CancellationToken cancellationToken) => device.ReadRegAsync(address, cancellationToken);

    public Task WriteAsync(uint address, uint value, CancellationToken cancellationToken) => device.WriteRegAsync(address, value, cancellationToken);
}
