using System.Collections.Concurrent;
using System.Text;
using Station.Protocol.Commands;
using Station.Protocol.Slip;
using Station.Protocol.Status;
using Station.Transport.Links;
using Station.Transport.Memory;

namespace Station.Flashing.Tests.Support;

/// <summary>
/// A fake device for pinning the client's wire behaviour: it records every command the host sends
/// and answers through a test-supplied handler. It knows nothing of the real simulator.
/// </summary>
internal sealed class ScriptedDevice : IAsyncDisposable
{
    private readonly InMemoryLinkPair _pair;
    private readonly Func<Command, ScriptedDevice, Task> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ScriptedDevice(Func<Command, ScriptedDevice, Task> handler, Action<LineState, ScriptedDevice>? onLines = null)
    {
        _pair = new InMemoryLinkPair();
        _handler = handler;
        if (onLines is not null)
        {
            _pair.Device.LinesChanged += lines => onLines(lines, this);
        }

        _loop = Task.Run(LoopAsync);
    }

    public IByteLink Host => _pair.Host;

    public ConcurrentQueue<Command> Received { get; } = new();

    public List<Command> ReceivedList => [.. Received];

    public Task Reply(Opcode op, uint value, byte[] data) => Raw(Response.Build(op, value, data));

    public Task Ok(Command command, LoaderKind kind, uint value = 0, byte[]? result = null) =>
        Reply(command.Opcode, value, [.. result ?? [], .. DeviceStatus.Encode(kind, 0)]);

    public Task Fail(Command command, LoaderKind kind, byte code) => Reply(command.Opcode, 0, DeviceStatus.Encode(kind, code));

    public Task Raw(byte[] payload) => _pair.Device.WriteAsync(SlipCodec.Encode(payload), CancellationToken.None).AsTask();

    /// <summary>Bytes straight onto the wire, unframed.</summary>
    public Task Wire(params byte[] bytes) => _pair.Device.WriteAsync(bytes, CancellationToken.None).AsTask();

    public Task Text(string text) => _pair.Device.WriteAsync(Encoding.ASCII.GetBytes(text), CancellationToken.None).AsTask();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _pair.Unplug();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        catch (LinkException)
        {
            // Unplugged.
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        var decoder = new SlipDecoder(0x10000);
        var buffer = new byte[4096];
        while (!_stop.IsCancellationRequested)
        {
            int n = await _pair.Device.ReadAsync(buffer, _stop.Token);
            ReadOnlySpan<byte> input = buffer.AsSpan(0, n);
            var commands = new List<Command>();
            while (!input.IsEmpty)
            {
                if (decoder.Next(ref input) == SlipToken.Frame && Command.TryParse(decoder.Frame, out var command))
                {
                    commands.Add(command);
                }
            }

            foreach (var command in commands)
            {
                Received.Enqueue(command);
                await _handler(command, this);
            }
        }
    }
}
