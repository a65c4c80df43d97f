namespace Station.Simulator.Faults;

/// <summary>Hook point for MEM_DATA blocks received while a RAM upload is open (between MEM_BEGIN and MEM_END).</summary>
public interface IRamUploadFaults
{
    /// <summary>May damage <paramref name="payload"/> (the bytes the data checksum covers) in place.</summary>
    void MemData(uint sequence, Span<byte> payload);
}
