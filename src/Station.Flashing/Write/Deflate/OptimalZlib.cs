using System.Buffers.Binary;

namespace Station.Flashing.Write.Deflate;

/// <summary>
/// A zlib compressor that spends time for size, for links where the wire is the bottleneck: optimal parsing
/// under an iterated cost model, block splitting by estimated size, and per block the smallest of dynamic,
/// fixed and stored encodings. Output is deterministic and independent of the number of cores used.
/// Its hot loops are marked <see cref="System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization"/>:
/// a job compresses once, mostly before tiered compilation would have optimized them.
/// </summary>
public static class OptimalZlib
{
    /// <summary>
    /// Input is planned in independent segments of this size (each also seeing the 32 KiB before it), so cores can
    /// share the work without the result depending on how many there are.
    /// </summary>
    internal const int SegmentSize = 256 * 1024;

    /// <summary>CMF 0x78 (deflate, 32 KiB window) and FLG 0xDA (maximum compression, no dictionary, check bits).</summary>
    private static ReadOnlySpan<byte> Header => [0x78, 0xDA];

    /// <summary>Compresses data into a zlib stream (header 0x78 0xDA, deflate blocks, Adler-32 trailer) that any standard inflater reads.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> data, CancellationToken cancellationToken = default) =>
        Compress(data, Environment.ProcessorCount, cancellationToken);

    /// <summary>As <see cref="Compress(ReadOnlySpan{byte}, CancellationToken)"/> on at most <paramref name="maxParallelism"/> cores.</summary>
    internal static byte[] Compress(ReadOnlySpan<byte> data, int maxParallelism, CancellationToken cancellationToken)
    {
        byte[] input = data.ToArray();
        int segments = Math.Max(1, (input.Length + SegmentSize - 1) / SegmentSize);
        var plans = new List<PlannedBlock>[segments];
        var options = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = maxParallelism };
        try
        {
            Parallel.For(0, segments, options, i =>
            {
                int start = i * SegmentSize;
                int end = Math.Min(input.Length, start + SegmentSize);
                plans[i] = SegmentCompressor.Plan(input, start, end, cancellationToken);
            });
        }
        catch (AggregateException e) when (e.Flatten().InnerExceptions.All(x => x is OperationCanceledException))
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw;
        }

        List<PlannedBlock> blocks = BlockMerger.Merge(plans.SelectMany(p => p), cancellationToken);
        var writer = new BitWriter((input.Length / 2) + 64);
        writer.WriteBytes(Header);
        for (int b = 0; b < blocks.Count; b++)
        {
            var block = blocks[b];
            BlockEncoder.Write(writer, input.AsSpan(block.Start, block.End - block.Start), block.Symbols, final: b == blocks.Count - 1);
        }

        writer.AlignToByte();
        Span<byte> trailer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(trailer, Adler32.Compute(input));
        writer.WriteBytes(trailer);
        return writer.ToArray();
    }
}
