using System.Buffers.Binary;
using System.Text;

namespace Station.Protocol.Images;

/// <summary>
/// The application descriptor <c>esp_app_desc_t</c> (esp-idf-images-and-efuse.md §3.5): 256 bytes at
/// the start of the DROM segment, i.e. image offset 0x20, magic 0xABCD5432. Strings are fixed-size,
/// NUL-terminated and zero-padded. The newer layout (IDF v5.1.7, v5.2.3+, v5.3.2+, v5.4+) adds the
/// eFuse block revision range and the MMU page size where older images have zeros, so one layout
/// reads both.
/// </summary>
public sealed class AppDescriptor
{
    public const uint Magic = 0xABCD_5432;
    public const int Length = 256;

    /// <summary>Where the descriptor sits in an ESP32-family app image (24-byte header + 8-byte segment header).</summary>
    public const int ImageOffset = 0x20;

    public const int ElfSha256Length = 32;

    // Field offsets inside the descriptor.
    private const int SecureVersionAt = 0x04;
    private const int VersionAt = 0x10;
    private const int ProjectNameAt = 0x30;
    private const int TimeAt = 0x50;
    private const int DateAt = 0x60;
    private const int IdfVersionAt = 0x70;
    private const int ElfSha256At = 0x90;
    private const int MinEfuseBlockRevisionAt = 0xB0;
    private const int MaxEfuseBlockRevisionAt = 0xB2;
    private const int MmuPageSizeAt = 0xB4;
    private const int LongText = 32;
    private const int ShortText = 16;

    /// <summary>PROJECT_VER, e.g. "1.0.0" (at most 31 characters).</summary>
    public required string Version { get; init; }

    public required string ProjectName { get; init; }

    /// <summary><c>__TIME__</c>, "HH:MM:SS" (at most 15 characters; empty when compile time is off).</summary>
    public string Time { get; init; } = "";

    /// <summary><c>__DATE__</c>, "Mmm dd yyyy" with a space-padded day.</summary>
    public string Date { get; init; } = "";

    /// <summary>The IDF version, e.g. "v5.4.1".</summary>
    public string IdfVersion { get; init; } = "";

    /// <summary>Anti-rollback version (0 unless configured).</summary>
    public uint SecureVersion { get; init; }

    /// <summary>SHA-256 of the ELF file (32 bytes; zeros when esptool did not patch it in).</summary>
    public ReadOnlyMemory<byte> AppElfSha256 { get; init; } = new byte[ElfSha256Length];

    /// <summary>Lowest eFuse block revision, major×100+minor (newer layout; 0 in older images).</summary>
    public ushort MinEfuseBlockRevisionFull { get; init; }

    /// <summary>Highest eFuse block revision, major×100+minor (newer layout; 0 in older images).</summary>
    public ushort MaxEfuseBlockRevisionFull { get; init; }

    /// <summary>MMU page size as log2 (16 = 64 KB; 0 = the chip's default).</summary>
    public byte MmuPageSizeLog2 { get; init; }

    /// <summary>The ELF SHA-256 as lower-case hex.</summary>
    public string AppElfSha256Hex => Convert.ToHexStringLower(AppElfSha256.Span);

    /// <summary>Whether 256 bytes at <paramref name="descriptor"/> start with the magic word.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> descriptor) =>
        descriptor.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(descriptor) == Magic;

    /// <summary>Reads a descriptor; throws <see cref="ProtocolException"/> when the bytes are not one.</summary>
    public static AppDescriptor Parse(ReadOnlySpan<byte> descriptor)
    {
        if (descriptor.Length < Length)
        {
            throw Bad($"{descriptor.Length} bytes, shorter than its {Length}");
        }

        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(descriptor);
        if (magic != Magic)
        {
            throw Bad($"magic word is 0x{magic:X8}, not 0x{Magic:X8}");
        }

        return new AppDescriptor
        {
            SecureVersion = BinaryPrimitives.ReadUInt32LittleEndian(descriptor[SecureVersionAt..]),
            Version = Text(descriptor.Slice(VersionAt, LongText)),
            ProjectName = Text(descriptor.Slice(ProjectNameAt, LongText)),
            Time = Text(descriptor.Slice(TimeAt, ShortText)),
            Date = Text(descriptor.Slice(DateAt, ShortText)),
            IdfVersion = Text(descriptor.Slice(IdfVersionAt, LongText)),
            AppElfSha256 = descriptor.Slice(ElfSha256At, ElfSha256Length).ToArray(),
            MinEfuseBlockRevisionFull = BinaryPrimitives.ReadUInt16LittleEndian(descriptor[MinEfuseBlockRevisionAt..]),
            MaxEfuseBlockRevisionFull = BinaryPrimitives.ReadUInt16LittleEndian(descriptor[MaxEfuseBlockRevisionAt..]),
            MmuPageSizeLog2 = descriptor[MmuPageSizeAt],
        };
    }

    /// <summary>Reads the descriptor of an app image (at offset 0x20).</summary>
    public static AppDescriptor FromImage(ReadOnlySpan<byte> image) =>
        image.Length >= ImageOffset + Length
            ? Parse(image.Slice(ImageOffset, Length))
            : throw Bad($"the image is {image.Length} bytes, too short to hold one at 0x{ImageOffset:X}");

    public static bool TryParse(ReadOnlySpan<byte> descriptor, out AppDescriptor? parsed)
    {
        if (descriptor.Length < Length || !HasMagic(descriptor))
        {
            parsed = null;
            return false;
        }

        parsed = Parse(descriptor);
        return true;
    }

    /// <summary>
    /// The 256 bytes. Throws <see cref="ArgumentException"/> for a string longer than its field allows
    /// (IDF would truncate it silently; a builder should not) or for non-ASCII text.
    /// </summary>
    public byte[] ToBytes()
    {
        if (AppElfSha256.Length != ElfSha256Length)
        {
            throw new ArgumentException($"The ELF SHA-256 is {AppElfSha256.Length} bytes, not {ElfSha256Length}.", nameof(AppElfSha256));
        }

        var bytes = new byte[Length];
        Span<byte> span = bytes;
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(span[SecureVersionAt..], SecureVersion);
        Write(Version, span.Slice(VersionAt, LongText), nameof(Version));
        Write(ProjectName, span.Slice(ProjectNameAt, LongText), nameof(ProjectName));
        Write(Time, span.Slice(TimeAt, ShortText), nameof(Time));
        Write(Date, span.Slice(DateAt, ShortText), nameof(Date));
        Write(IdfVersion, span.Slice(IdfVersionAt, LongText), nameof(IdfVersion));
        AppElfSha256.Span.CopyTo(span[ElfSha256At..]);
        BinaryPrimitives.WriteUInt16LittleEndian(span[MinEfuseBlockRevisionAt..], MinEfuseBlockRevisionFull);
        BinaryPrimitives.WriteUInt16LittleEndian(span[MaxEfuseBlockRevisionAt..], MaxEfuseBlockRevisionFull);
        span[MmuPageSizeAt] = MmuPageSizeLog2;
        return bytes;
    }

    /// <summary>Text up to the first NUL (or the whole field when it has none).</summary>
    private static string Text(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        return Encoding.Latin1.GetString(end < 0 ? field : field[..end]);
    }

    private static void Write(string text, Span<byte> field, string name)
    {
        ArgumentNullException.ThrowIfNull(text, name);
        if (text.Length >= field.Length || text.Any(c => c is < ' ' or > '~'))
        {
            throw new ArgumentException($"{name} '{text}' must be at most {field.Length - 1} printable ASCII characters.", name);
        }

        Encoding.ASCII.GetBytes(text, field);
    }

    private static ProtocolException Bad(string what) => new(ProtocolFault.MalformedImage, $"Not an app descriptor: {what}.");
}
