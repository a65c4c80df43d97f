using System.Collections.Concurrent;
using Station.Flashing.Errors;
using Station.Protocol;
using Station.Protocol.Chips;
using Station.Protocol.Stubs;

namespace Station.Flashing.Stub;

/// <summary>
/// Flasher stubs in esptool's JSON format, one file per chip named by its key (<c>esp32.json</c>,
/// <c>esp32s3.json</c>, …). Espressif's stub binaries are not shipped with Station; the README says
/// how to obtain them (the esptool-js npm package carries them). Files are read once and cached.
/// </summary>
public sealed class StubCatalogue
{
    private readonly ConcurrentDictionary<ChipKind, StubImage?> _loaded = new();

    private StubCatalogue(string? directory)
    {
        Directory = directory;
    }

    /// <summary>A catalogue with no stubs: everything is flashed through the ROM loader.</summary>
    public static StubCatalogue None { get; } = new(null);

    /// <summary>The directory searched, or null for <see cref="None"/>.</summary>
    public string? Directory { get; }

    public static StubCatalogue FromDirectory(string directory) => new(directory);

    /// <summary>The stub for <paramref name="chip"/>, or null when there is no file for it.</summary>
    public StubImage? Find(ChipSpec chip) => _loaded.GetOrAdd(chip.Kind, _ => Load(chip));

    /// <summary>Chips that have a stub file in the directory.</summary>
    public IReadOnlyList<string> AvailableKeys() =>
        Directory is null || !System.IO.Directory.Exists(Directory)
            ? []
            : ChipCatalogue.All.Where(c => File.Exists(PathFor(c))).Select(c => c.Key).ToList();

    private StubImage? Load(ChipSpec chip)
    {
        if (Directory is null)
        {
            return null;
        }

        string path = PathFor(chip);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return StubImage.Parse(File.ReadAllText(path), path);
        }
        catch (ProtocolException e)
        {
            throw new FlashException(new FlashError(ErrorCodes.StubInvalid, e.Message,
                "Replace the stub file with the one from the esptool-js package (see README, \"Flasher stubs\").") { Permanent = true }, e);
        }
        catch (IOException e)
        {
            throw new FlashException(FlashErrors.FileUnreadable(path, e.Message), e);
        }
    }

    private string PathFor(ChipSpec chip) => Path.Combine(Directory!, chip.Key + ".json");
}
