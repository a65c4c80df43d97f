using System.Globalization;
using System.Text.Json;

namespace Station.Profiles.Reading;

/// <summary>
/// Reads <c>$.images</c>: each image's name, offset, file and pinned hash, then how the images fit
/// together in flash. Paths are resolved against the profile's folder.
/// </summary>
internal sealed class ImageListReader(string profileDirectory, ProblemList problems)
{
    public const uint SectorSize = 0x1000;

    public IReadOnlyList<ProfileImage>? Read(JsonField? field, uint? flashSize, string? flashSizeName)
    {
        var items = field?.AsArray();
        if (items is null)
        {
            return null;
        }

        if (items.Count == 0)
        {
            field!.Value.Problem("must list at least one image");
            return null;
        }

        var images = new List<ProfileImage>();
        var placed = new List<PlacedImage>();
        var firstIndexByName = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int index = 0; index < items.Count; index++)
        {
            var image = items[index].AsObject(ProfileProperties.Image);
            if (image is null)
            {
                continue;
            }

            var nameField = image.Required("name");
            string? name = nameField?.AsString();
            if (name is not null && !firstIndexByName.TryAdd(name, index))
            {
                nameField!.Value.Problem($"duplicate image name '{name}' (also {JsonPath.Item("$.images", firstIndexByName[name])})");
            }

            uint? offset = ReadOffset(image.Required("offset"));
            var pathField = image.Required("path");
            string? path = ResolveImagePath(pathField);
            var file = path is null ? null : InspectImageFile(pathField!.Value, path);
            var sha256Field = image.Required("sha256");
            string? sha256 = ReadSha256(sha256Field);
            if (file is not null && sha256 is not null && file.Sha256 != sha256)
            {
                sha256Field!.Value.Problem(ImageFile.MismatchMessage(path!, file.Sha256, sha256));
            }

            if (offset is { } at && file is not null)
            {
                placed.Add(new PlacedImage(index, name ?? $"#{index}", at, file.Length));
            }

            if (name is not null && offset is { } imageOffset && path is not null && sha256 is not null)
            {
                images.Add(new ProfileImage(name, imageOffset, path, sha256));
            }
        }

        ImageLayout.Check(placed, flashSize, flashSizeName, problems);
        return images;
    }

    /// <summary>"0x10000" or 65536; must start a flash sector.</summary>
    internal static uint? ReadOffset(JsonField? field)
    {
        if (field is not { } offsetField)
        {
            return null;
        }

        var value = offsetField.Value;
        uint offset;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetUInt32(out uint number))
        {
            offset = number;
        }
        else if (value.ValueKind == JsonValueKind.String && value.GetString() is { } text
            && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && uint.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint hex))
        {
            offset = hex;
        }
        else
        {
            offsetField.Problem($"must be a hex string like \"0x10000\" or a whole number from 0 to 4294967295, not {JsonField.Describe(value)}");
            return null;
        }

        if (offset % SectorSize != 0)
        {
            offsetField.Problem($"0x{offset:X} is not a multiple of 0x{SectorSize:X} (flash is erased in 4 KiB sectors)");
            return null;
        }

        return offset;
    }

    private string? ResolveImagePath(JsonField? field)
    {
        string? relative = field?.AsString();
        return relative is null ? null : ProfileRelativePath.Resolve(field!.Value, relative, profileDirectory);
    }

    /// <summary>Reads the file through once: proves it readable, gives the length that places its end, and its hash.</summary>
    private static ImageFile? InspectImageFile(JsonField field, string fullPath)
    {
        try
        {
            var file = ImageFile.Inspect(fullPath);
            if (file.Length == 0)
            {
                field.Problem($"image file {fullPath} is empty");
                return null;
            }

            return file;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            field.Problem($"image file {fullPath} does not exist");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            field.Problem($"image file {fullPath} cannot be read: {e.Message}");
        }

        return null;
    }

    private static string? ReadSha256(JsonField? field)
    {
        string? text = field?.AsString();
        if (text is null)
        {
            return null;
        }

        if (text.Length != 64 || !text.All(char.IsAsciiHexDigit))
        {
            field!.Value.Problem($"must be 64 hex digits (the file's SHA-256, e.g. from sha256sum), not '{text}' ({text.Length} characters)");
            return null;
        }

        return text.ToLowerInvariant();
    }
}
