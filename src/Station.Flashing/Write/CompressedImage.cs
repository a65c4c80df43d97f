using System.IO.Compression;

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

    private CompressedImage(byte[] bytes, int[] consumed, int[] produced)
    {
        Bytes = bytes;
        _consumed = consumed;
        _produced = produced;
    }

    public byte[] Bytes { get; }

    public int Length => Bytes.Length;

    public static CompressedImage Compress(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream(data.Length / 2 + 64);
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(data);
        }

        byte[] bytes = output.ToArray();
        var (consumed, produced) = Map(bytes, data.Length);
        return new CompressedImage(bytes, consumed, produced);
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

    private static (int[] Consumed, int[] Produced) Map(byte[] compressed, int inflatedLength)
    {
        var consumed = new List<int> { 0 };
        var produced = new List<int> { 0 };
        var source = new TricklingStream(compressed, MapGranularity);
        using var inflater = new ZLibStream(source, CompressionMode.Decompress);
        var sink = new byte[64 * 1024];
        int total = 0;
        while (true)
        {
            int n = inflater.Read(sink);
            if (n == 0)
            {
                break;
            }

            total += n;
            consumed.Add(source.Position32);
            produced.Add(total);
        }

        if (total != inflatedLength)
        {
            throw new InvalidOperationException($"Compression round trip produced {total} bytes, expected {inflatedLength}.");
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
