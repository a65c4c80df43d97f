using System.IO.Compression;
using Station.Flashing.Write.Deflate;

namespace Station.Flashing.Write;

/// <summary>
/// An image compressed once (zlib format, the loaders' FLASH_DEFL format), with a map from positions in
/// the compressed stream to how much data they inflate to. Block timeouts must scale with the bytes a
/// block makes the device erase and program, not with its compressed size (field failure F5).
/// </summary>
public sealed class CompressedImage
{
    /// <summary>Compressed bytes fed to the inflater per step while building the map.</summary>
    private const int MapGranularity = 256;

    private readonly int[] _consumed;
    private readonly int[] _produced;

    private CompressedImage(byte[] bytes, int[] consumed, int[] produced, CompressionEffort effort)
    {
        Bytes = bytes;
        Effort = effort;
        _consumed = consumed;
        _produced = produced;
    }

    public byte[] Bytes { get; }

    public int Length => Bytes.Length;

    /// <summary>The encoder that made <see cref="Bytes"/>.</summary>
    public CompressionEffort Effort { get; }

    /// <summary>
    /// Compresses <paramref name="data"/> with the given effort. Every stream is inflated back and compared with the
    /// data before it is used; should the optimal encoder ever produce a stream that does not, the system's zlib
    /// stream is used instead (and <see cref="Effort"/> says so).
    /// </summary>
    public static CompressedImage Compress(ReadOnlySpan<byte> data, CompressionEffort effort, CancellationToken cancellationToken = default)
    {
        if (effort == CompressionEffort.Smallest)
        {
            byte[] optimal = OptimalZlib.Compress(data, cancellationToken);
            if (Map(optimal, data) is { } optimalMap)
            {
                return new CompressedImage(optimal, optimalMap.Consumed, optimalMap.Produced, CompressionEffort.Smallest);
            }
        }

        using var output = new MemoryStream(data.Length / 2 + 64);
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(data);
        }

        byte[] bytes = output.ToArray();
        var map = Map(bytes, data) ?? throw new InvalidOperationException("The system's zlib stream does not inflate to its own input.");
        return new CompressedImage(bytes, map.Consumed, map.Produced, CompressionEffort.Fast);
    }

    /// <summary>
    /// An upper bound on the bytes that compressed range [<paramref name="start"/>, <paramref name="end"/>)
    /// inflates to (exact up to the map's granularity, never an underestimate).
    /// </summary>
    public int InflatedUpperBound(int start, int end)
    {
        // Output seen while the inflater had consumed no more than `start` bytes came from before the range.
        int before = _produced[LastIndexAtMost(start)];

        // Once the inflater asks for input beyond `end`, all output of the range has been emitted.
        int after = _produced[LastIndexAtMost(end) + 1];
        return Math.Max(0, after - before);
    }

    /// <summary>
    /// How many bytes an inflater has put out once it was fed the first <paramref name="position"/> compressed bytes
    /// (exact at multiples of the map's 256-byte granularity, such as block boundaries; never an overestimate).
    /// </summary>
    public int InflatedAfter(int position) => position >= Length ? _produced[^1] : _produced[LastIndexAtMost(position)];

    /// <summary>Index of the last checkpoint whose consumed count is at most <paramref name="position"/>.</summary>
    private int LastIndexAtMost(int position)
    {
        int lo = 0;
        int hi = _consumed.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (_consumed[mid] <= position)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }

    /// <summary>
    /// Inflates <paramref name="compressed"/> a little at a time, noting how much output each stretch of input makes;
    /// null when the output is not exactly <paramref name="expected"/>.
    /// </summary>
    private static (int[] Consumed, int[] Produced)? Map(byte[] compressed, ReadOnlySpan<byte> expected)
    {
        var consumed = new List<int> { 0 };
        var produced = new List<int> { 0 };
        var source = new TricklingStream(compressed, MapGranularity);
        using var inflater = new ZLibStream(source, CompressionMode.Decompress);
        var sink = new byte[64 * 1024];
        int total = 0;
        try
        {
            while (true)
            {
                int n = inflater.Read(sink);
                if (n == 0)
                {
                    break;
                }

                if (total + n > expected.Length || !sink.AsSpan(0, n).SequenceEqual(expected.Slice(total, n)))
                {
                    return null;
                }

                total += n;
                consumed.Add(source.Position32);
                produced.Add(total);
            }
        }
        catch (InvalidDataException)
        {
            return null;
        }

        if (total != expected.Length)
        {
            return null;
        }

        consumed.Add(int.MaxValue);
        produced.Add(total);
        return ([.. consumed], [.. produced]);
    }

    /// <summary>A read-only stream that hands out at most a few bytes per read, so output can be attributed to input.</summary>
    private sealed class TricklingStream(byte[] data, int step) : Stream
    {
        private int _position;

        public int Position32 => _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => data.Length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(Math.Min(step, buffer.Length), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
