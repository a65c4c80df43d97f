namespace Station.Flashing.Efuse;

/// <summary>READ_REG/WRITE_REG as the eFuse burner needs them (both the ROM loader and the stub have them).</summary>
public interface IEfuseRegisters
{
    Task<uint> ReadAsync(uint address, CancellationToken cancellationToken);

    Task WriteAsync(uint address, uint value, CancellationToken cancellationToken);
}
