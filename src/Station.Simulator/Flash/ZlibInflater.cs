using System.Runtime.InteropServices;

namespace Station.Simulator.Flash;

/// <summary>
/// A streaming raw-deflate decoder over the system zlib (<c>libz.so.1</c>). Unlike
/// <see cref="System.IO.Compression.DeflateStream"/> it reports exactly how much input it consumed,
/// which the flasher model needs to know where a stream ended and how many bytes trail it.
/// </summary>
internal sealed unsafe partial class ZlibInflater : IDisposable
{
    private const string Library = "libz.so.1";
    private const int ZOk = 0;
    private const int ZStreamEnd = 1;
    private const int ZBufError = -5;
    private const int ZNoFlush = 0;

    private ZStream* _stream;

    public ZlibInflater()
    {
        _stream = (ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZStream));
        int rc = InflateInit2(_stream, -15, ZlibVersion(), sizeof(ZStream));
        if (rc != ZOk)
        {
            NativeMemory.Free(_stream);
            _stream = null;
            throw new InvalidOperationException($"zlib inflateInit2 failed ({rc}).");
        }
    }

    /// <summary>
    /// Inflates as much of <paramref name="input"/> as fits into <paramref name="output"/>.
    /// </summary>
    /// <returns>Whether the deflate stream ended, needs more input/output, or is corrupt.</returns>
    public InflateStep Inflate(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int produced)
    {
        ObjectDisposedException.ThrowIf(_stream is null, this);
        fixed (byte* inPtr = input)
        fixed (byte* outPtr = output)
        {
            _stream->NextIn = inPtr;
            _stream->AvailIn = (uint)input.Length;
            _stream->NextOut = outPtr;
            _stream->AvailOut = (uint)output.Length;
            int rc = InflateCore(_stream, ZNoFlush);
            consumed = input.Length - (int)_stream->AvailIn;
            produced = output.Length - (int)_stream->AvailOut;
            _stream->NextIn = null;
            _stream->NextOut = null;
            return rc switch
            {
                ZStreamEnd => InflateStep.StreamEnd,
                ZOk or ZBufError => InflateStep.Progress,
                _ => InflateStep.Corrupt,
            };
        }
    }

    public void Dispose()
    {
        if (_stream is not null)
        {
            _ = InflateEnd(_stream);
            NativeMemory.Free(_stream);
            _stream = null;
        }
    }

    [LibraryImport(Library, EntryPoint = "zlibVersion")]
    private static partial byte* ZlibVersion();

    [LibraryImport(Library, EntryPoint = "inflateInit2_")]
    private static partial int InflateInit2(ZStream* stream, int windowBits, byte* version, int streamSize);

    [LibraryImport(Library, EntryPoint = "inflate")]
    private static partial int InflateCore(ZStream* stream, int flush);

    [LibraryImport(Library, EntryPoint = "inflateEnd")]
    private static partial int InflateEnd(ZStream* stream);

    /// <summary>zlib's <c>z_stream</c>; <c>uLong</c> fields are C <c>unsigned long</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ZStream
    {
        public byte* NextIn;
        public uint AvailIn;
        public CULong TotalIn;
        public byte* NextOut;
        public uint AvailOut;
        public CULong TotalOut;
        public byte* Msg;
        public void* State;
        public void* ZAlloc;
        public void* ZFree;
        public void* Opaque;
        public int DataType;
        public CULong Adler;
        public CULong Reserved;
    }
}

internal enum InflateStep
{
    Progress,
    StreamEnd,
    Corrupt,
}
