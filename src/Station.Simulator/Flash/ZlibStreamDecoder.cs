namespace Station.Simulator.Flash;

/// <summary>
/// One zlib stream fed chunk by chunk, as the flasher's FLASH_DEFL_DATA handler feeds it
/// (esp-serial-protocol.md §11, §12): the 2-byte zlib header is checked, the deflate data is
/// inflated, and bytes after the end of the deflate data are counted. Those trailing bytes are
/// where the Adler-32 lives; the stub stops consuming once all output is written, so it never
/// verifies the Adler-32 — neither do we — and it tolerates up to 4 of them.
/// </summary>
internal sealed class ZlibStreamDecoder : IDisposable
{
    private const int OutputChunk = 32 * 1024;

    private readonly ZlibInflater _inflater = new();
    private readonly byte[] _output = new byte[OutputChunk];
    private readonly byte[] _header = new byte[2];
    private int _headerLength;

    public bool Ended { get; private set; }

    public bool Corrupt { get; private set; }

    /// <summary>Bytes received after the deflate data ended (the Adler-32 and anything beyond it).</summary>
    public long TrailingBytes { get; private set; }

    /// <summary>Feeds <paramref name="input"/>; every piece of decoded output goes to <paramref name="sink"/>.</summary>
    public void Feed(ReadOnlySpan<byte> input, Action<ReadOnlySpan<byte>> sink)
    {
        if (Corrupt)
        {
            return;
        }

        while (_headerLength < 2 && !input.IsEmpty)
        {
            _header[_headerLength++] = input[0];
            input = input[1..];
            if (_headerLength == 2 && !ValidHeader(_header[0], _header[1]))
            {
                Corrupt = true;
                return;
            }
        }

        while (!input.IsEmpty)
        {
            if (Ended)
            {
                TrailingBytes += input.Length;
                return;
            }

            InflateStep step = _inflater.Inflate(input, _output, out int consumed, out int produced);
            input = input[consumed..];
            if (produced > 0)
            {
                sink(_output.AsSpan(0, produced));
            }

            switch (step)
            {
                case InflateStep.Corrupt:
                    Corrupt = true;
                    return;
                case InflateStep.StreamEnd:
                    Ended = true;
                    break;
                case InflateStep.Progress when consumed == 0 && produced == 0:
                    return;
            }
        }

        // The final block may still hold buffered output once the input is used up.
        while (!Ended && !Corrupt)
        {
            InflateStep step = _inflater.Inflate([], _output, out _, out int produced);
            if (produced > 0)
            {
                sink(_output.AsSpan(0, produced));
            }

            if (step == InflateStep.Corrupt)
            {
                Corrupt = true;
            }
            else if (step == InflateStep.StreamEnd)
            {
                Ended = true;
            }
            else if (produced == 0)
            {
                break;
            }
        }
    }

    public void Dispose() => _inflater.Dispose();

    /// <summary>RFC 1950: method 8 (deflate), window ≤ 32 KiB, no preset dictionary, header check.</summary>
    private static bool ValidHeader(byte cmf, byte flg) =>
        (cmf & 0x0F) == 8 && (cmf >> 4) <= 7 && (flg & 0x20) == 0 && ((cmf << 8) | flg) % 31 == 0;
}
