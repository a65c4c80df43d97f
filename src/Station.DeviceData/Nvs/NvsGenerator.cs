using Station.DeviceData.Nvs.Csv;

namespace Station.DeviceData.Nvs;

/// <summary>What <see cref="NvsGenerator"/> produced: the image, the items it holds, and notices to show.</summary>
public sealed record NvsGeneratedImage(NvsImage Image, NvsCsvDocument Document, IReadOnlyList<string> Notices);

/// <summary>
/// The equivalent of <c>nvs_partition_gen generate CSV OUT SIZE [--version N]</c>: checks the size, reads the CSV,
/// builds the image and reads it back; an image that does not read back exactly is never returned.
/// </summary>
public static class NvsGenerator
{
    /// <exception cref="NvsException">The size or the CSV is wrong, or the data does not fit; each error carries its line.</exception>
    /// <exception cref="InvalidOperationException">The built image did not read back as written (a bug here, never bad input).</exception>
    public static NvsGeneratedImage Generate(ReadOnlySpan<byte> csvUtf8, NvsWriteOptions options, Func<string, byte[]>? readFile = null)
    {
        // The size is checked before the CSV is read, as the generator does.
        var size = NvsPartitionSize.From(options.PartitionSize);
        var document = NvsCsvReader.Read(csvUtf8, new NvsCsvOptions(options.Version, readFile));
        return Build(document, options, size);
    }

    /// <inheritdoc cref="Generate(ReadOnlySpan{byte}, NvsWriteOptions, Func{string, byte[]}?)"/>
    public static NvsGeneratedImage Generate(string csv, NvsWriteOptions options, Func<string, byte[]>? readFile = null)
    {
        var size = NvsPartitionSize.From(options.PartitionSize);
        var document = NvsCsvReader.Read(csv, new NvsCsvOptions(options.Version, readFile));
        return Build(document, options, size);
    }

    /// <summary>Builds and verifies the image for items already read (e.g. one device of a mass-manufacturing batch).</summary>
    public static NvsGeneratedImage Generate(NvsCsvDocument document, NvsWriteOptions options) =>
        Build(document, options, NvsPartitionSize.From(options.PartitionSize));

    private static NvsGeneratedImage Build(NvsCsvDocument document, NvsWriteOptions options, NvsPartitionSize size)
    {
        var image = NvsWriter.Write(document.Items, options, document.Lines);
        var mismatches = NvsImageVerifier.Check(image, document.Items);
        if (mismatches.Count > 0)
        {
            throw new InvalidOperationException("The built NVS image does not read back as written: " + string.Join("; ", mismatches));
        }

        return new NvsGeneratedImage(image, document, size.ReadOnly ? [NvsPartitionSize.ReadOnlyNotice] : []);
    }
}
