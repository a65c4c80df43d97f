using System.Globalization;
using System.Text;
using Station.Transport.Links;

namespace Station.Cli.Run;

/// <summary>
/// A per-port wire trace file (<c>--trace</c>): every chunk written and read, in hex, with a timestamp
/// and direction, plus line and baud changes. For engineers chasing a misbehaving fixture.
/// </summary>
public sealed class WireTrace : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    public WireTrace(string path, TimeProvider time)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _writer = new StreamWriter(path, append: true, Encoding.ASCII);
        _time = time;
    }

    public IByteLink Wrap(IByteLink link) => new TracingLink(link, Bytes, Control);

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }

    private void Bytes(TraceDirection direction, ReadOnlyMemory<byte> data) =>
        Write($"{(direction == TraceDirection.ToDevice ? ">" : "<")} {data.Length,5} {Convert.ToHexStringLower(data.Span)}");

    private void Control(string what) => Write($"# {what}");

    private void Write(string line)
    {
        string stamp = _time.GetUtcNow().ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        lock (_gate)
        {
            _writer.WriteLine($"{stamp} {line}");
        }
    }
}
