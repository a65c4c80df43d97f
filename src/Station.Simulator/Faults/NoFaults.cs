using Station.Simulator.Boot;

namespace Station.Simulator.Faults;

/// <summary>The absence of faults: every hook is a pass-through.</summary>
public sealed class NoFaults : IWireFaults, IFlashFaults, IBootFaults, IRamUploadFaults, IPortFaults
{
    public static readonly NoFaults Instance = new();

    private NoFaults()
    {
    }

    public int? BaudCeiling => null;

    public bool PoweredDown => false;

    public DateTimeOffset? HeldUntil => null;

    public byte[] HostToDevice(byte[] chunk) => chunk;

    public byte[] DeviceToHost(byte[] chunk) => chunk;

    public void WriteStarted(uint offset, uint size)
    {
    }

    public ProgramFault Programming(uint address, int length) => ProgramFault.None;

    public CellFlip? AfterProgram(uint address, ReadOnlySpan<byte> data) => null;

    public TimeSpan EraseTime(uint address, uint bytes, TimeSpan datasheet) => datasheet;

    public bool EntersDownloadMode(ResetCause cause) => true;

    public string? PowerOnOutput() => null;

    /// <summary>
    /// Never completes. A fresh task per call: one shared never-completing task would make every device in
    /// the process queue its wait on that one task's continuation list, under one lock, at every boot.
    /// </summary>
    public Task<PowerLoss> WhenPowerLostAsync(CancellationToken cancellationToken) => new TaskCompletionSource<PowerLoss>().Task.WaitAsync(cancellationToken);

    public void PowerRestored()
    {
    }

    public void MemData(uint sequence, Span<byte> payload)
    {
    }
}
