using System.Buffers;
using Station.Flashing.Connect;
using Station.Flashing.Errors;
using Station.Protocol;
using Station.Protocol.Commands;
using Station.Protocol.Slip;
using Station.Protocol.Status;
using Station.Transport.Links;

namespace Station.Flashing.Loader;

/// <summary>The result bytes of a successful command and the header's value field.</summary>
public readonly record struct Reply(uint Value, ReadOnlyMemory<byte> Result);

/// <summary>
/// Request/response over one link: SLIP-frames commands, reads frames back, matches replies by
/// opcode (skipping surplus SYNC replies and other stale frames, as the ROM sends them), and checks
/// the status bytes for the loader that is currently answering.
/// </summary>
public sealed class LoaderClient
{
    /// <summary>How many non-matching frames a reply may hide behind (esptool uses the same bound).</summary>
    private const int MaxFramesPerReply = 100;

    private readonly SlipDecoder _decoder;
    private readonly byte[] _input = new byte[16 * 1024];
    private readonly TimeProvider _time;
    private byte[] _output = new byte[1024];
    private int _inputStart;
    private int _inputEnd;

    public LoaderClient(IByteLink link, TimeProvider time, LoaderKind kind = LoaderKind.Esp32Rom)
    {
        Link = link;
        _time = time;
        Kind = kind;
        _decoder = new SlipDecoder(maxFrameLength: BlockSizes.StubMaxDataField + 0x100);
    }

    public IByteLink Link { get; }

    /// <summary>Which loader answers now; decides how status bytes read.</summary>
    public LoaderKind Kind { get; set; }

    /// <summary>Frames dropped because they were corrupt (bad escape, oversized) since the last discard.</summary>
    public int CorruptFrames { get; private set; }

    /// <summary>Sends one command without waiting for the reply.</summary>
    public ValueTask SendAsync(Command command, CancellationToken cancellationToken)
    {
        int packetLength = command.PacketLength;
        byte[] packet = ArrayPool<byte>.Shared.Rent(packetLength);
        try
        {
            command.WritePacket(packet);
            return SendFrameAsync(packet.AsMemory(0, packetLength), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(packet);
        }
    }

    /// <summary>
    /// Sends a *_DATA command (MEM_DATA, FLASH_DATA, FLASH_DEFL_DATA) for <paramref name="block"/>: the same bytes as
    /// <see cref="Requests.Data"/> would make, but the block is checksummed and SLIP-escaped straight from where it
    /// lies (the job's compressed image) into the reused output buffer — no packet is built and nothing is allocated.
    /// </summary>
    public ValueTask SendDataAsync(Opcode opcode, uint sequence, ReadOnlyMemory<byte> block, CancellationToken cancellationToken)
    {
        Span<byte> head = stackalloc byte[Requests.DataHeadLength];
        Requests.WriteDataHead(head, opcode, sequence, block.Span);
        int max = SlipCodec.MaxEncodedLength(Requests.DataHeadLength + block.Length);
        if (_output.Length < max)
        {
            _output = new byte[Math.Max(max, _output.Length * 2)];
        }

        int n = SlipCodec.Encode(head, block.Span, _output);
        return Link.WriteAsync(_output.AsMemory(0, n), cancellationToken);
    }

    /// <summary>Sends a *_DATA command (see <see cref="SendDataAsync"/>) and returns its checked result.</summary>
    public async Task<Reply> ExecuteDataAsync(Opcode opcode, uint sequence, ReadOnlyMemory<byte> block, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await SendDataAsync(opcode, sequence, block, cancellationToken).ConfigureAwait(false);
        var response = await ReadResponseAsync(opcode, timeout, cancellationToken).ConfigureAwait(false);
        return Check(response, 0);
    }

    /// <summary>Sends <paramref name="payload"/> as one SLIP frame (used for READ_FLASH acknowledgements).</summary>
    public ValueTask SendFrameAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        int max = SlipCodec.MaxEncodedLength(payload.Length);
        if (_output.Length < max)
        {
            _output = new byte[Math.Max(max, _output.Length * 2)];
        }

        int n = SlipCodec.Encode(payload.Span, _output);
        return Link.WriteAsync(_output.AsMemory(0, n), cancellationToken);
    }

    /// <summary>Sends a command and returns its checked result (the bytes before the status).</summary>
    public async Task<Reply> ExecuteAsync(Command command, int resultLength, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await SendAsync(command, cancellationToken).ConfigureAwait(false);
        var response = await ReadResponseAsync(command.Opcode, timeout, cancellationToken).ConfigureAwait(false);
        return Check(response, resultLength);
    }

    /// <summary>Reads the reply to <paramref name="op"/>, skipping frames that belong to something else.</summary>
    public async Task<Response> ReadResponseAsync(Opcode op, TimeSpan timeout, CancellationToken cancellationToken)
    {
        long deadline = _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
        long noiseBefore = _decoder.NoiseCount;
        for (int i = 0; i < MaxFramesPerReply; i++)
        {
            var remaining = TimeSpan.FromSeconds((double)(deadline - _time.GetTimestamp()) / _time.TimestampFrequency);
            byte[]? frame = remaining > TimeSpan.Zero
                ? await ReadFrameAsync(remaining, cancellationToken).ConfigureAwait(false)
                : null;
            if (frame is null)
            {
                throw new FlashException(RestartSince(op, noiseBefore) ?? FlashErrors.Timeout(op, timeout, _decoder.InFrame || CorruptFrames > 0));
            }

            if (Response.TryParse(frame, out var response) && response.Opcode == op)
            {
                return response;
            }
        }

        throw new FlashException(FlashErrors.Malformed(op, $"no matching reply among {MaxFramesPerReply} frames"));
    }

    /// <summary>Reads the next complete frame, or null when none completes within <paramref name="timeout"/>.</summary>
    public async Task<byte[]?> ReadFrameAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (TryDecodeBuffered(out byte[]? buffered))
        {
            return buffered;
        }

        using var timer = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        while (true)
        {
            // A device that never pauses (an application logging at full speed) keeps every read returning
            // data, and links hand over data they hold even after cancellation: check the deadline each time round.
            cancellationToken.ThrowIfCancellationRequested();
            if (timer.IsCancellationRequested)
            {
                return null;
            }

            int n;
            try
            {
                n = await Link.ReadAsync(_input, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return null;
            }

            _inputStart = 0;
            _inputEnd = n;
            if (TryDecodeBuffered(out byte[]? frame))
            {
                return frame;
            }
        }
    }

    /// <summary>
    /// Reads whatever arrives until the line is quiet (used to capture the boot log after a reset), or at once when
    /// <paramref name="complete"/> says the text so far is all there will be. The first byte may take up to
    /// <paramref name="start"/>: a chip still coming out of reset (or a link still opening) may take longer than the
    /// quiet gap to start talking, and its banner is what tells the boot mode.
    /// </summary>
    public async Task<byte[]> CollectTextAsync(TimeSpan start, TimeSpan quiet, TimeSpan max, CancellationToken cancellationToken, Func<List<byte>, bool>? complete = null)
    {
        var text = new List<byte>();
        long end = _time.GetTimestamp() + (long)(max.TotalSeconds * _time.TimestampFrequency);
        while (true)
        {
            var left = TimeSpan.FromSeconds((double)(end - _time.GetTimestamp()) / _time.TimestampFrequency);
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            var gap = text.Count == 0 ? start : quiet;
            using var timer = new CancellationTokenSource(left < gap ? left : gap, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            try
            {
                int n = await Link.ReadAsync(_input, linked.Token).ConfigureAwait(false);
                text.AddRange(_input.AsSpan(0, n));
                if (complete?.Invoke(text) == true)
                {
                    break;
                }
            }
            catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        return [.. text];
    }

    /// <summary>
    /// Hands over text received outside frames (kept by the decoder) and bytes read but not decoded yet,
    /// so that a reader of the app's log after a restart loses nothing the loader client already read.
    /// </summary>
    public byte[] TakeUnframedInput()
    {
        byte[] noise = _decoder.Noise();
        byte[] pending = _input.AsSpan(_inputStart, _inputEnd - _inputStart).ToArray();
        _inputStart = _inputEnd = 0;
        _decoder.Reset();
        return [.. noise, .. pending];
    }

    /// <summary>Drops everything received so far: OS buffers, our buffer, a half-decoded frame.</summary>
    public async ValueTask DiscardInputAsync(CancellationToken cancellationToken)
    {
        await Link.DiscardInputAsync(cancellationToken).ConfigureAwait(false);
        _inputStart = _inputEnd = 0;
        _decoder.Reset();
        CorruptFrames = 0;
    }

    /// <summary>Checks a response's status for the current loader and returns the result bytes.</summary>
    public Reply Check(Response response, int resultLength)
    {
        DeviceStatus status;
        try
        {
            status = DeviceStatus.Read(response.Data.Span, resultLength, Kind);
        }
        catch (ProtocolException e)
        {
            throw new FlashException(FlashErrors.Malformed(response.Opcode, e.Message), e);
        }

        if (status.Failed)
        {
            var error = DeviceErrors.Describe(Kind, status.Code);
            throw new FlashException(FlashErrors.Device(response.Opcode, error)) { DeviceError = error };
        }

        return new Reply(response.Value, response.Data[..Math.Min(resultLength, response.Data.Length)]);
    }

    /// <summary>
    /// A reply that never came because the chip restarted (a brownout, a glitch on EN): its ROM banner is in the
    /// text received outside frames since <paramref name="noiseBefore"/>.
    /// </summary>
    private FlashError? RestartSince(Opcode op, long noiseBefore)
    {
        long fresh = _decoder.NoiseCount - noiseBefore;
        if (fresh <= 0)
        {
            return null;
        }

        byte[] noise = _decoder.Noise();
        var text = BootLog.FromBytes(noise.AsSpan(noise.Length - (int)Math.Min(fresh, noise.Length)));
        return text.ResetCause is { } cause ? FlashErrors.Restarted(op, cause) : null;
    }

    private bool TryDecodeBuffered(out byte[]? frame)
    {
        frame = null;
        while (_inputStart < _inputEnd)
        {
            ReadOnlySpan<byte> input = _input.AsSpan(_inputStart, _inputEnd - _inputStart);
            int before = input.Length;
            var token = _decoder.Next(ref input);
            _inputStart += before - input.Length;
            switch (token)
            {
                case SlipToken.Frame:
                    frame = _decoder.Frame.ToArray();
                    return true;
                case SlipToken.FrameTooLong or SlipToken.InvalidEscape:
                    CorruptFrames++;
                    break;
            }
        }

        return false;
    }
}
