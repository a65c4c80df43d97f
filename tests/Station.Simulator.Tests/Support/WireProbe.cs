using System.Buffers.Binary;
using System.Text;
using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Protocol.Slip;
using Station.Simulator.Device;
using Station.Simulator.Faults;
using Station.Transport.Links;
using Station.Transport.Memory;
using Station.Transport.Reset;

namespace Station.Simulator.Tests.Support;

/// <summary>
/// The host side of an in-memory link, speaking raw SLIP with Protocol's request builders — never the
/// station's flashing client, so device and client stay independent. Every read has a timeout.
/// </summary>
internal sealed class WireProbe : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private readonly SlipDecoder _decoder = new(maxFrameLength: 0x10000 + 64, noiseCapacity: 64 * 1024);
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly MemoryStream _rawLog = new();
    private byte[] _pending = [];
    private int _pendingOffset;

    private WireProbe(SimulatedDevice device, InMemoryLinkPair pair, DeviceAttachment attachment)
    {
        Device = device;
        Pair = pair;
        Attachment = attachment;
    }

    public SimulatedDevice Device { get; }

    public InMemoryLinkPair Pair { get; }

    public DeviceAttachment Attachment { get; }

    public IByteLink Host => Pair.Host;

    public static WireProbe Start(
        ChipSpec chip, PowerOnBoot boot = PowerOnBoot.Download, bool pacing = false, uint flashSize = DeviceOptions.DefaultFlashSize, int index = 0, FaultPlan? faults = null)
    {
        var device = new SimulatedDevice(new DeviceOptions { Chip = chip, Index = index, Seed = 42, Pacing = pacing, FlashSize = flashSize, Faults = faults ?? FaultPlan.None });
        return Attach(device, boot);
    }

    public static WireProbe Attach(SimulatedDevice device, PowerOnBoot boot = PowerOnBoot.Download)
    {
        var pair = new InMemoryLinkPair();
        return new WireProbe(device, pair, device.Attach(pair.Device, boot));
    }

    public static ChipSpec Chip(string key) => ChipCatalogue.TryFind(key, out var chip) ? chip : throw new ArgumentException(key);

    /// <summary>Text seen outside frames so far (boot banners).</summary>
    public string Noise => Encoding.Latin1.GetString(_decoder.Noise());

    /// <summary>Every byte received so far, framed or not.</summary>
    public byte[] RawReceived => _rawLog.ToArray();

    public ValueTask SendAsync(Command command) => SendFrameAsync(command.ToPacket());

    public ValueTask SendFrameAsync(byte[] packet) => Host.WriteAsync(SlipCodec.Encode(packet), CancellationToken.None);

    /// <summary>The next frame, or throws <see cref="TimeoutException"/>.</summary>
    public async Task<byte[]> ReadFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
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

                continue;
            }

            await FillAsync(cts.Token);
        }
    }

    /// <summary>Reads until the boot text outside frames contains <paramref name="text"/>.</summary>
    public Task<string> ReadNoiseUntilAsync(string text, TimeSpan? timeout = null) => ReadNoiseUntilAsync(text, 1, timeout);

    /// <summary>Reads until the boot text outside frames contains <paramref name="text"/> <paramref name="times"/> times.</summary>
    public async Task<string> ReadNoiseUntilAsync(string text, int times, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (Occurrences(Noise, text) < times)
        {
            if (_pendingOffset < _pending.Length)
            {
                ReadOnlySpan<byte> input = _pending.AsSpan(_pendingOffset);
                _decoder.Next(ref input);
                _pendingOffset = _pending.Length - input.Length;
                continue;
            }

            await FillAsync(cts.Token);
        }

        return Noise;
    }

    private static int Occurrences(string haystack, string needle)
    {
        int count = 0;
        for (int at = haystack.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = haystack.IndexOf(needle, at + needle.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Reads raw bytes until at least <paramref name="count"/> arrived or the window ends.</summary>
    public async Task<byte[]> ReadRawAsync(int count, TimeSpan window)
    {
        using var cts = new CancellationTokenSource(window);
        try
        {
            while (_rawLog.Length < count)
            {
                await FillAsync(cts.Token);
                _pendingOffset = _pending.Length;
            }
        }
        catch (TimeoutException)
        {
            // The window ended: return what arrived.
        }

        return RawReceived;
    }

    /// <summary>Sends a command and returns the first response frame with its opcode.</summary>
    public async Task<Reply> CommandAsync(Command command, TimeSpan? timeout = null)
    {
        await SendAsync(command);
        return await ReplyAsync(command.Opcode, timeout);
    }

    public async Task<Reply> ReplyAsync(Opcode opcode, TimeSpan? timeout = null)
    {
        while (true)
        {
            byte[] frame = await ReadFrameAsync(timeout);
            if (frame.Length >= 8 && frame[0] == 1 && frame[1] == (byte)opcode)
            {
                return new Reply(frame);
            }
        }
    }

    /// <summary>
    /// The reply with <paramref name="opcode"/>, or null when the boot text shows <paramref name="resetMarker"/>
    /// (one more time than before the call) first: the board reset instead of answering. Decided by what
    /// arrives, in wire order, never by a silence window.
    /// </summary>
    public async Task<Reply?> ReplyUnlessResetAsync(Opcode opcode, string resetMarker, TimeSpan? timeout = null)
    {
        int seen = Occurrences(Noise, resetMarker);
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            if (_pendingOffset < _pending.Length)
            {
                ReadOnlySpan<byte> input = _pending.AsSpan(_pendingOffset);
                int before = input.Length;
                SlipToken token = _decoder.Next(ref input);
                _pendingOffset += before - input.Length;
                if (token == SlipToken.Frame && _decoder.Frame.Length >= 8 && _decoder.Frame[0] == 1 && _decoder.Frame[1] == (byte)opcode)
                {
                    return new Reply(_decoder.Frame.ToArray());
                }

                if (Occurrences(Noise, resetMarker) > seen)
                {
                    return null;
                }

                continue;
            }

            await FillAsync(cts.Token);
        }
    }

    /// <summary>Asserts nothing arrives for <paramref name="window"/> (absence needs a window).</summary>
    public async Task AssertSilentAsync(TimeSpan window)
    {
        long before = _rawLog.Length;
        await ReadRawAsync(int.MaxValue, window);
        Assert.Equal(before, _rawLog.Length);
    }

    /// <summary>
    /// Resets the board into download mode with esptool's unix-tight sequence: EN and IO0 change in one
    /// step, so the strap the chip samples 5 ms after EN rises never depends on the test's thread running
    /// two line changes back to back (the classic sequence leaves IO0 high for that long if the thread is
    /// preempted between them — on a real line too).
    /// </summary>
    public ValueTask ResetIntoDownloadAsync() =>
        new UnixTightReset(ResetStrategies.DefaultDelay).ResetAsync(Host, TimeProvider.System, CancellationToken.None);

    /// <summary>SYNC, then reads the remaining 7 replies so the line is quiet again.</summary>
    public async Task<IReadOnlyList<Reply>> SyncAsync()
    {
        await SendAsync(Requests.Sync());
        var replies = new List<Reply>();
        for (int i = 0; i < 8; i++)
        {
            replies.Add(await ReplyAsync(Opcode.Sync));
        }

        return replies;
    }

    public async ValueTask DisposeAsync()
    {
        await Attachment.DisposeAsync();
        Pair.Unplug();
        _rawLog.Dispose();
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        int n;
        try
        {
            n = await Host.ReadAsync(_buffer, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("No data from the simulated device in time.");
        }

        _rawLog.Write(_buffer, 0, n);
        _pending = _buffer.AsSpan(0, n).ToArray();
        _pendingOffset = 0;
    }
}

/// <summary>A response frame: <c>01 op size value data</c>.</summary>
internal sealed record Reply(byte[] Frame)
{
    public Opcode Opcode => (Opcode)Frame[1];

    public uint Value => BinaryPrimitives.ReadUInt32LittleEndian(Frame.AsSpan(4));

    public byte[] Data => Frame[8..];

    public string DataHex => Convert.ToHexString(Data);
}
