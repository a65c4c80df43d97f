using System.Security.Cryptography;
using Station.Profiles.Reading;

namespace Station.Profiles;

/// <summary>An image's bytes, read once and matched against the profile's pinned SHA-256.</summary>
/// <param name="Bytes">The exact bytes whose hash was checked; flash these, never re-read the file.</param>
public sealed record LoadedImage(ProfileImage Image, byte[] Bytes);

/// <summary>Reads a profile's image files for a job, refusing the whole job if any file is not the one the profile pins.</summary>
public static class ProfileImages
{
    /// <summary>
    /// Reads every image file once, in profile order. Throws <see cref="ProfileException"/> with every
    /// problem (hash mismatch, unreadable or empty file, overlap by the bytes actually read) and returns nothing then.
    /// </summary>
    public static async Task<IReadOnlyList<LoadedImage>> LoadAsync(Profile profile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var problems = new ProblemList();
        var loaded = new List<LoadedImage>();
        var placed = new List<PlacedImage>();
        for (int index = 0; index < profile.Images.Count; index++)
        {
            var image = profile.Images[index];
            string at = JsonPath.Item("$.images", index);
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(image.Path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add(at + ".path", $"image file {image.Path} cannot be read: {e.Message}");
                continue;
            }

            string actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (bytes.Length == 0)
            {
                problems.Add(at + ".path", $"image file {image.Path} is empty");
            }
            else if (!string.Equals(actual, image.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add(at + ".sha256", ImageFile.MismatchMessage(image.Path, actual, image.Sha256));
            }
            else
            {
                loaded.Add(new LoadedImage(image, bytes));
                placed.Add(new PlacedImage(index, image.Name, image.Offset, bytes.Length));
            }
        }

        // Validation placed the images by the file lengths it saw then; check again with the bytes that will be written.
        ImageLayout.Check(placed, FlashSize(profile), profile.Flash.Size, problems);

        return problems.Count == 0 ? loaded : throw new ProfileException(profile.SourcePath, problems.Items);
    }

    private static uint? FlashSize(Profile profile) =>
        profile.Flash.Size is { } size && Protocol.Chips.FlashCodes.TryParseSize(size, out uint bytes) ? bytes : null;
}
