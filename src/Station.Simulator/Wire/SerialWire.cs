using System.Threading.Channels;
using Station.Protocol.Slip;
using Station.Simulator.Faults;
using Station.Simulator.Timing;
using Station.Transport.Links;

namespace Station.Simulator.Wire;

/// <summary>
/// The chip's UART0 as seen from the link: it receives SLIP frames and sends frames and boot text
/// at the device's current baud.
/// <list type="bullet">
/// <item>Pacing on: every byte takes 10 bits at the device baud in both directions. Host bytes become
/// readable only when their last bit would have arrived; device bytes reach the link when their last
/// bit would have left. Both lines keep their own virtual cursor, so long transfers stay exact.</item>
/// <item>Baud mismatch: when the link reports the host's baud (<see cref="IHostSignals.HostBaud"/>) and it
/// differs from the device's by more than 3 %, bytes in both directions turn into deterministic
/// garbage. When the host baud is unknown (TCP) the host is assumed to match.</item>
/// <item>A receive pump reads the link continuously (a UART receives even while the CPU is busy), so
/// the next block arrives while the stub is still programming the previous one.</item>
/// <item>Faults: host bytes pass <see cref="IWireFaults.HostToDevice"/> as they arrive; while the board's
/// power is down (<see cref="IBootFaults.PoweredDown"/>) nothing is received, decoded or sent.</item>
/// </list>
/// </summary>
internal sealed class SerialWire : IAsyncDisposable
{
    public const int DefaultBaud = 115200;

    /// <summary>The UART TX FIFO: the CPU is released once the rest of a frame fits in it.</summary>
    private const int TxFifoBytes = 128;

    private readonly IByteLink _link;
    private readonly IHostSignals? _signals;
    private readonly DeviceClock _clock;
    private readonly IWireFaults _faults;
    private readonly IBootFaults _power;
    private readonly LineNoise _noise;
    private readonly Channel<Chunk> _received = Channel.CreateUnbounded<Chunk>(new() { SingleReader = true, SingleWriter = true });
    private readonly Channel<Chunk> _outgoing = Channel.CreateUnbounded<Chunk>(new() { SingleReader = true, SingleWriter = false });
    private readonly SlipDecoder _decoder = new(maxFrameLength: 0x10000 + 64, noiseCapacity: 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Task _receivePump = Task.CompletedTask;
    private Task _sendPump = Task.CompletedTask;
    private byte[] _pending = [];
    private int _pendingOffset;
    private TimeSpan _rxCursor;
    private TimeSpan _txCursor;
    private TimeSpan _heardFrom;
    private LinkException? _gone;

    public SerialWire(IByteLink link, DeviceClock clock, IWireFaults faults, IBootFaults power, ulong seed)
    {
        _link = link;
        _signals = link as IHostSignals;
        _clock = clock;
        _faults = faults;
        _power = power;
        _noise = new LineNoise(seed);
    }

    /// <summary>The device UART's baud.</summary>
    public int Baud { get; set; } = DefaultBaud;

    /// <summary>Set once the link reported that the host went away.</summary>
    public bool Gone => _gone is not null;

    public void Start()
    {
        _receivePump = Task.Run(() => ReceivePumpAsync(_stop.Token));
        if (_clock.Pacing)
        {
            _sendPump = Task.Run(() => SendPumpAsync(_stop.Token));
        }
    }

    /// <summary>The next complete SLIP frame from the host (decoded).</summary>
    public async ValueTask<byte[]> ReadFrameAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_power.PoweredDown)
            {
                // A chip without power runs no loader: it waits for the reset that follows.
                DiscardInput();
                await Task.Delay(Timeout.InfiniteTimeSpan, _clock.Time, cancellationToken).ConfigureAwait(false);
            }

            if (_pendingOffset < _pending.Length)
            {
                ReadOnlySpan<byte> input = _pending.AsSpan(_pendingOffset);
                int before = input.Length;
                SlipToken token = _decoder.Next(ref input);
                _pendingOffset += before - input.Length;
                if (token == SlipToken.Frame)
                {
                    return _decoder.Frame.ToArray();
                }

                // Too-long frames and broken escapes are dropped, as the chip's receiver does.
                continue;
            }

            Chunk chunk;
            try
            {
                chunk = await _received.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                throw _gone ?? new LinkException(LinkFailure.Gone, _link.Name, $"{_link.Name} was closed.");
            }

            if (chunk.Arrived < _heardFrom)
            {
                // Arrived while the chip was in reset (the pump may still have been queuing it at the boot).
                continue;
            }

            await _clock.WaitUntilAsync(chunk.At, cancellationToken).ConfigureAwait(false);
            _pending = chunk.Bytes;
            _pendingOffset = 0;
        }
    }

    /// <summary>Forgets everything received and not yet read (a chip without power hears nothing).</summary>
    public void DiscardInput() => DiscardInputBefore(_clock.Now);

    /// <summary>
    /// A boot starts: the UART hears nothing that arrived before <paramref name="instant"/> (device clock;
    /// the chip was in reset), and everything from then on — including bytes that came in while the
    /// device's task was still on its way here. Judging by arrival time rather than by "what is queued
    /// now" keeps a host that writes right after power-on or reset from losing its first request when
    /// the machine is busy. Called by the session's reader only (between frames).
    /// </summary>
    public void DiscardInputBefore(TimeSpan instant)
    {
        _heardFrom = instant;
        while (_received.Reader.TryPeek(out Chunk chunk) && chunk.Arrived < instant && _received.Reader.TryRead(out _))
        {
        }

        _pending = [];
        _pendingOffset = 0;
        _decoder.Reset();
    }

    public ValueTask SendFrameAsync(ReadOnlySpan<byte> packet, CancellationToken cancellationToken) =>
        SendAsync(SlipCodec.Encode(packet), Baud, avoidFrameEnd: false, cancellationToken);

    /// <summary>
    /// Sends raw bytes (boot text) at <paramref name="lineBaud"/>, which may differ from the UART's
    /// protocol baud (the ESP8266 ROM prints at 74880). Garbled boot text never contains 0xC0.
    /// </summary>
    public ValueTask SendTextAsync(ReadOnlySpan<byte> text, int lineBaud, CancellationToken cancellationToken) =>
        SendAsync(text.ToArray(), lineBaud, avoidFrameEnd: true, cancellationToken);

    /// <summary>Waits until everything queued has left the TX pin (e.g. before switching baud).</summary>
    public ValueTask WhenSentAsync(CancellationToken cancellationToken)
    {
        TimeSpan end;
        lock (_gate)
        {
            end = _txCursor;
        }

        return _clock.WaitUntilAsync(end, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _outgoing.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_receivePump, _sendPump).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Expected on shutdown.
        }

        _stop.Dispose();
    }

    private async ValueTask SendAsync(byte[] bytes, int lineBaud, bool avoidFrameEnd, CancellationToken cancellationToken)
    {
        ThrowIfGone();
        if (_power.PoweredDown)
        {
            return;
        }

        byte[] onWire = _faults.DeviceToHost(HostView(bytes, lineBaud, avoidFrameEnd));
        if (onWire.Length == 0)
        {
            return;
        }

        if (!_clock.Pacing)
        {
            await WriteToLinkAsync(onWire, cancellationToken).ConfigureAwait(false);
            return;
        }

        TimeSpan end;
        lock (_gate)
        {
            TimeSpan now = _clock.Now;
            end = (_txCursor > now ? _txCursor : now) + DeviceClock.WireTime(bytes.Length, lineBaud);
            _txCursor = end;
        }

        await _outgoing.Writer.WriteAsync(new Chunk(onWire, end, end), cancellationToken).ConfigureAwait(false);

        // The CPU blocks on a full TX FIFO: it is free once the tail of the frame fits in the FIFO.
        await _clock.WaitUntilAsync(end - DeviceClock.WireTime(TxFifoBytes, lineBaud), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the host's UART makes of bytes the device sends at <paramref name="lineBaud"/>.</summary>
    private byte[] HostView(byte[] bytes, int lineBaud, bool avoidFrameEnd)
    {
        int hostBaud = _signals?.HostBaud ?? Baud;
        bool readable = !LineNoise.Mismatched(lineBaud, hostBaud) && !OverCeiling(lineBaud);
        if (readable)
        {
            return bytes;
        }

        lock (_gate)
        {
            return _noise.Garble(bytes, (double)hostBaud / lineBaud, avoidFrameEnd);
        }
    }

    private bool OverCeiling(int baud)
    {
        if (_faults.BaudCeiling is not { } ceiling || baud <= ceiling)
        {
            return false;
        }

        _faults.CeilingExceeded(baud);
        return true;
    }

    private async Task ReceivePumpAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int n = await _link.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (n <= 0)
                {
                    throw new LinkException(LinkFailure.Gone, _link.Name, $"{_link.Name} was closed.");
                }

                if (_power.PoweredDown)
                {
                    continue;
                }

                byte[] bytes = _faults.HostToDevice(DeviceView(buffer.AsSpan(0, n)));
                TimeSpan at;
                TimeSpan now;
                lock (_gate)
                {
                    now = _clock.Now;
                    at = _clock.Pacing ? (_rxCursor > now ? _rxCursor : now) + DeviceClock.WireTime(n, Baud) : now;
                    _rxCursor = at;
                }

                await _received.Writer.WriteAsync(new Chunk(bytes, at, now), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (LinkException e) when (e.Failure == LinkFailure.Gone)
        {
            _gone = e;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }

    /// <summary>What the device's UART makes of bytes the host sent at its own baud.</summary>
    private byte[] DeviceView(ReadOnlySpan<byte> bytes)
    {
        int baud = Baud;
        int hostBaud = _signals?.HostBaudOfLastRead ?? baud;
        if (!LineNoise.Mismatched(hostBaud, baud) && !OverCeiling(baud))
        {
            return bytes.ToArray();
        }

        lock (_gate)
        {
            return _noise.Garble(bytes, (double)baud / hostBaud, avoidFrameEnd: false);
        }
    }

    private async Task SendPumpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (Chunk chunk in _outgoing.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await _clock.WaitUntilAsync(chunk.At, cancellationToken).ConfigureAwait(false);
                await WriteToLinkAsync(chunk.Bytes, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (LinkException e) when (e.Failure == LinkFailure.Gone)
        {
            _gone ??= e;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async ValueTask WriteToLinkAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        try
        {
            await _link.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (LinkException e) when (e.Failure == LinkFailure.Gone)
        {
            _gone ??= e;
            throw;
        }
    }

    private void ThrowIfGone()
    {
        if (_gone is { } gone)
        {
            throw gone;
        }
    }

    /// <summary>Bytes, the instant (device clock) they finish crossing the wire, and when they reached the link's end.</summary>
    private readonly record struct Chunk(byte[] Bytes, TimeSpan At, TimeSpan Arrived);
}
