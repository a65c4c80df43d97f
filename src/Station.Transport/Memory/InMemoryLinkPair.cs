using Station.Transport.Links;

namespace Station.Transport.Memory;

/// <summary>
/// A host link and a device link joined in memory. The device end sees the host's DTR/RTS and baud
/// (<see cref="IHostSignals"/>), so reset sequences and baud changes can be exercised without
/// hardware. <see cref="Unplug"/> models a cable pulled out: both ends see <see cref="LinkFailure.Gone"/>.
/// </summary>
public sealed class InMemoryLinkPair
{
    private static int s_counter;

    private readonly ByteQueue _toDevice = new();
    private readonly ByteQueue _toHost = new();

    public InMemoryLinkPair(string? name = null, int initialBaud = 115200)
    {
        string n = name ?? $"mem://{Interlocked.Increment(ref s_counter)}";
        Host = new HostEnd(this, n, initialBaud);
        Device = new DeviceEnd(this, n);
    }

    public HostEnd Host { get; }

    public DeviceEnd Device { get; }

    public bool Unplugged { get; private set; }

    public void Unplug()
    {
        Unplugged = true;
        _toDevice.Close();
        _toHost.Close();
    }

    /// <summary>The end the flashing client uses.</summary>
    public sealed class HostEnd : IByteLink
    {
        private readonly InMemoryLinkPair _pair;

        internal HostEnd(InMemoryLinkPair pair, string name, int baud)
        {
            _pair = pair;
            Name = name;
            Baud = baud;
        }

        public string Name { get; }

        public LinkCapabilities Capabilities => new(ModemLines: true, Baud: true);

        public int Baud { get; private set; }

        public LineState Lines { get; private set; }

        public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            int n = await _pair._toHost.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            return n > 0 ? n : throw _pair.Gone(Name);
        }

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            if (_pair.Unplugged)
            {
                throw _pair.Gone(Name);
            }

            _pair._toDevice.Write(data.Span);
            return ValueTask.CompletedTask;
        }

        public ValueTask SetBaudAsync(int baud, CancellationToken cancellationToken)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(baud);
            Baud = baud;
            return ValueTask.CompletedTask;
        }

        public ValueTask SetLinesAsync(bool? dtr, bool? rts, CancellationToken cancellationToken)
        {
            if (_pair.Unplugged)
            {
                throw _pair.Gone(Name);
            }

            Lines = new LineState(dtr ?? Lines.Dtr, rts ?? Lines.Rts);
            _pair.Device.RaiseLinesChanged(Lines);
            return ValueTask.CompletedTask;
        }

        public ValueTask DiscardInputAsync(CancellationToken cancellationToken)
        {
            _pair._toHost.Clear();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            _pair.Unplug();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>The end a simulated device uses.</summary>
    public sealed class DeviceEnd : IByteLink, IHostSignals
    {
        private readonly InMemoryLinkPair _pair;

        internal DeviceEnd(InMemoryLinkPair pair, string name)
        {
            _pair = pair;
            Name = name;
        }

        public event Action<LineState>? LinesChanged;

        public string Name { get; }

        public LinkCapabilities Capabilities => new(ModemLines: false, Baud: false);

        public int Baud => _pair.Host.Baud;

        public LineState Lines => _pair.Host.Lines;

        public int? HostBaud => _pair.Host.Baud;

        public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            int n = await _pair._toDevice.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            return n > 0 ? n : throw _pair.Gone(Name);
        }

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            if (_pair.Unplugged)
            {
                throw _pair.Gone(Name);
            }

            _pair._toHost.Write(data.Span);
            return ValueTask.CompletedTask;
        }

        public ValueTask SetBaudAsync(int baud, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask SetLinesAsync(bool? dtr, bool? rts, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DiscardInputAsync(CancellationToken cancellationToken)
        {
            _pair._toDevice.Clear();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            _pair.Unplug();
            return ValueTask.CompletedTask;
        }

        internal void RaiseLinesChanged(LineState lines) => LinesChanged?.Invoke(lines);
    }

    private LinkException Gone(string name) => new(LinkFailure.Gone, name, $"{name} was disconnected.");
}
