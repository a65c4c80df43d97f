using Station.Protocol.Commands;
using Station.Simulator.Device;
using Station.Simulator.Rom;
using Station.Simulator.Stub;

namespace Station.Simulator.Loader;

/// <summary>
/// The serial loader of one boot: the ROM answers until an uploaded stub takes over (MEM_END into
/// uploaded code → OHAI). Returns when the loader hands the chip on: software reset, run user code,
/// or a crash.
/// </summary>
internal sealed class DownloadSession
{
    private readonly LoaderContext _context;

    public DownloadSession(LoaderContext context)
    {
        _context = context;
    }

    public async Task<LoaderOutcome> RunAsync(CancellationToken cancellationToken)
    {
        using var rom = new RomLoader(_context);
        StubLoader? stub = null;
        try
        {
            while (true)
            {
                byte[] frame = await _context.Wire.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
                if (Request.From(frame) is not { } request)
                {
                    continue;
                }

                _context.Faults.Log?.SetCommand(request.Opcode.ToString());
                if (request.Opcode == Opcode.MemData && _context.Ram.Receiving)
                {
                    _context.Faults.RamUpload.MemData(request.Word(1), request.PayloadBytes);
                }

                LoaderOutcome outcome;
                try
                {
                    outcome = stub is null
                        ? await rom.HandleAsync(request, cancellationToken).ConfigureAwait(false)
                        : await stub.HandleAsync(request, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _context.Faults.Log?.SetCommand(null);
                }

                switch (outcome)
                {
                    case LoaderOutcome.Continue:
                        continue;
                    case LoaderOutcome.StubStarted:
                        stub?.Dispose();
                        stub = new StubLoader(_context);
                        _context.Ram.Clear();
                        await stub.GreetAsync(cancellationToken).ConfigureAwait(false);
                        _context.Report(DeviceActivity.Stub, "flasher stub running");
                        continue;
                    default:
                        return outcome;
                }
            }
        }
        finally
        {
            stub?.Dispose();
        }
    }
}
