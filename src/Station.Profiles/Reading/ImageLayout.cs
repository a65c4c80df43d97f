namespace Station.Profiles.Reading;

/// <summary>An image's place in flash: its offset and, from its file, its length.</summary>
/// <param name="Index">Position in <c>$.images</c>, for the problem's path.</param>
internal sealed record PlacedImage(int Index, string Name, uint Offset, long Length)
{
    public long End => Offset + Length;

    public override string ToString() => $"'{Name}' (0x{Offset:X}..0x{End - 1:X})";
}

/// <summary>Checks that images fit together: no overlaps, nothing past the end of the flash.</summary>
internal static class ImageLayout
{
    public static void Check(IReadOnlyList<PlacedImage> images, uint? flashSize, string? flashSizeName, ProblemList problems)
    {
        for (int later = 0; later < images.Count; later++)
        {
            var image = images[later];
            for (int earlier = 0; earlier < later; earlier++)
            {
                var other = images[earlier];
                if (image.Offset < other.End && other.Offset < image.End)
                {
                    problems.Add(OffsetPath(image), $"image {image} overlaps image {other} at {JsonPath.Item("$.images", other.Index)}");
                }
            }

            if (flashSize is { } size && image.End > size)
            {
                problems.Add(OffsetPath(image), $"image {image} runs past the end of the {flashSizeName} flash (0x{size:X} bytes)");
            }
        }
    }

    private static string OffsetPath(PlacedImage image) => JsonPath.Item("$.images", image.Index) + ".offset";
}
