using System.Text.Json;
using System.Text.RegularExpressions;
using Station.Protocol.Chips;
using Station.Protocol.Images;

namespace Station.Profiles.Reading;

/// <summary>
/// Turns a parsed profile into a <see cref="Profile"/>, walking every section even after a problem
/// so one run reports them all. Defaults come from the model (<see cref="RetryPolicy"/>, <see cref="StepTimeouts"/>).
/// </summary>
internal sealed class ProfileReader(string profileDirectory, ProblemList problems)
{
    public const int MinBaud = 9600;
    public const int MaxBaud = 8_000_000;

    private const string Keep = "keep";

    /// <summary>The profile, or null when any problem was recorded.</summary>
    public Profile? Read(JsonElement rootElement, string sourcePath, string sha256)
    {
        var root = new JsonField(rootElement, JsonPath.Root, problems).AsObject(ProfileProperties.Root);
        if (root is null)
        {
            return null;
        }

        _ = root.Optional("$schema")?.AsString();
        string? name = root.Required("name")?.AsString();
        string? version = root.Required("version")?.AsString();
        ChipSpec? chip = ReadChip(root.Required("chip"));
        var (flash, flashSize) = ReadFlash(root.Optional("flash"), chip);
        var images = new ImageListReader(profileDirectory, problems).Read(root.Required("images"), flashSize, flash.Size);
        var link = ReadLink(root.Required("link"));
        var retry = RetryReader.Read(root.Optional("retry"));
        bool skipMatching = ReadVerification(root.Optional("verification"));
        AfterFlash? after = ReadAfter(root.Required("after"));
        var bootCheck = ReadBootCheck(root.Optional("bootCheck"));
        var deviceData = new DeviceDataReader(profileDirectory, problems).Read(root.Optional("deviceData"), chip, images, flashSize, flash.Size);

        if (problems.Count > 0 || name is null || version is null || chip is null || images is null || link is null
            || retry is null || after is not { } afterFlash)
        {
            return null;
        }

        return new Profile
        {
            Name = name,
            Version = version,
            Chip = chip,
            Flash = flash,
            Images = images,
            Link = link,
            Retry = retry,
            After = afterFlash,
            BootCheck = bootCheck,
            SkipMatchingRegions = skipMatching,
            DeviceData = deviceData,
            SourcePath = sourcePath,
            Sha256 = sha256,
        };
    }

    private static ChipSpec? ReadChip(JsonField? field)
    {
        string? key = field?.AsString();
        if (key is null)
        {
            return null;
        }

        if (ChipCatalogue.TryFind(key, out var chip))
        {
            return chip;
        }

        var keys = ChipCatalogue.All.Select(c => c.Key).ToList();
        string? suggestion = NameSuggestion.Closest(key, keys);
        field!.Value.Problem($"unknown chip '{key}'{(suggestion is null ? "" : $" (did you mean '{suggestion}'?)")}; known chips: {string.Join(", ", keys)}");
        return null;
    }

    /// <summary>Mode, frequency and size ("keep" or absent = leave the image's own value), checked against the chip's tables.</summary>
    private static (FlashSettings Settings, uint? SizeBytes) ReadFlash(JsonField? field, ChipSpec? chip)
    {
        var flash = field?.AsObject(ProfileProperties.Flash);
        if (flash is null)
        {
            return (FlashSettings.Keep, null);
        }

        var modeField = flash.Optional("mode");
        var frequencyField = flash.Optional("frequency");
        var sizeField = flash.Optional("size");
        var settings = new FlashSettings(KeepOrValue(modeField), KeepOrValue(frequencyField), KeepOrValue(sizeField));

        // The mode table is the same for every chip, so it is checked even when the chip is unknown.
        if (settings.Mode is { } mode && !FlashCodes.Modes.ContainsKey(mode))
        {
            modeField!.Value.Problem($"flash mode '{mode}' is not one of {string.Join(", ", FlashCodes.Modes.Keys)}, {Keep}");
        }

        if (chip is null)
        {
            return (settings, null);
        }

        // FlashSettings.Validate is the one place that knows each chip's tables; asking it one part at a time locates the problem.
        ReportFlashPart(frequencyField, new FlashSettings(Frequency: settings.Frequency), chip);
        bool sizeValid = ReportFlashPart(sizeField, new FlashSettings(Size: settings.Size), chip);
        uint? sizeBytes = sizeValid && settings.Size is { } size && FlashCodes.TryParseSize(size, out uint bytes) ? bytes : null;
        return (settings, sizeBytes);
    }

    private static string? KeepOrValue(JsonField? field)
    {
        string? value = field?.AsString();
        return string.Equals(value, Keep, StringComparison.OrdinalIgnoreCase) ? null : value;
    }

    private static bool ReportFlashPart(JsonField? field, FlashSettings part, ChipSpec chip)
    {
        var messages = part.Validate(chip);
        foreach (string message in messages)
        {
            field!.Value.Problem(message);
        }

        return messages.Count == 0;
    }

    private static LinkSettings? ReadLink(JsonField? field)
    {
        var link = field?.AsObject(ProfileProperties.Link);
        if (link is null)
        {
            return null;
        }

        int? initialBaud = link.Required("initialBaud")?.AsInt(MinBaud, MaxBaud);
        var ladder = ReadBaudLadder(link.Required("baudLadder"));
        var compression = ReadCompression(link.Optional("compression"));
        return initialBaud is { } baud && ladder is not null && compression is { } effort ? new LinkSettings(baud, ladder, effort) : null;
    }

    /// <summary><c>"smallest"</c> (the default) or <c>"fast"</c>; null after a problem.</summary>
    private static ImageCompression? ReadCompression(JsonField? field)
    {
        if (field is null)
        {
            return ImageCompression.Smallest;
        }

        string? name = field.Value.AsString();
        switch (name?.ToLowerInvariant())
        {
            case null:
                return null;
            case "smallest":
                return ImageCompression.Smallest;
            case "fast":
                return ImageCompression.Fast;
            default:
                field.Value.Problem($"compression '{name}' is not one of smallest, fast");
                return null;
        }
    }

    /// <summary>Fastest first and strictly descending: a retry steps one rung down, so every rung must be slower.</summary>
    private static IReadOnlyList<int>? ReadBaudLadder(JsonField? field)
    {
        var rungs = field?.AsArray();
        if (rungs is null)
        {
            return null;
        }

        if (rungs.Count == 0)
        {
            field!.Value.Problem("must list at least one baud");
            return null;
        }

        var ladder = new List<int>();
        int? previous = null;
        bool valid = true;
        foreach (var rung in rungs)
        {
            int? baud = rung.AsInt(MinBaud, MaxBaud);
            if (baud is not { } value)
            {
                valid = false;
                previous = null;
                continue;
            }

            if (previous is { } faster && value >= faster)
            {
                rung.Problem($"{value} must be lower than the rung before it ({faster}); the ladder goes fastest first, each rung slower");
                valid = false;
            }

            ladder.Add(value);
            previous = value;
        }

        return valid ? ladder : null;
    }

    /// <summary>
    /// Verification is always on; the section exists so a profile can say so, never to switch it off. Returns
    /// <c>skipMatching</c>: whether a region the unit already holds (same MD5 on the device) may be left unwritten.
    /// </summary>
    private static bool ReadVerification(JsonField? field)
    {
        var verification = field?.AsObject(ProfileProperties.Verification);
        var md5Field = verification?.Optional("md5");
        if (md5Field?.AsBool() == false)
        {
            md5Field.Value.Problem("MD5 verification cannot be turned off: every region is always verified after writing");
        }

        return verification?.Optional("skipMatching")?.AsBool() ?? false;
    }

    private static AfterFlash? ReadAfter(JsonField? field)
    {
        string? text = field?.AsString();
        switch (text)
        {
            case null:
                return null;
            case "run-app":
                return AfterFlash.RunApp;
            case "stay-in-loader":
                return AfterFlash.StayInLoader;
            default:
                field!.Value.Problem($"must be \"run-app\" or \"stay-in-loader\", not \"{text}\"");
                return null;
        }
    }

    private static BootCheck? ReadBootCheck(JsonField? field)
    {
        var check = field?.AsObject(ProfileProperties.BootCheck);
        if (check is null)
        {
            return null;
        }

        int? baud = check.Required("baud")?.AsInt(MinBaud, MaxBaud);
        string? pattern = ReadPattern(check.Required("pattern"));
        TimeSpan? within = check.Required("withinSeconds")?.AsSeconds();
        return baud is { } b && pattern is not null && within is { } w ? new BootCheck(b, pattern, w) : null;
    }

    /// <summary>The pattern is compiled here so a typo fails validation, not the first unit's boot check.</summary>
    private static string? ReadPattern(JsonField? field)
    {
        string? pattern = field?.AsString();
        if (pattern is null)
        {
            return null;
        }

        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            return pattern;
        }
        catch (ArgumentException e)
        {
            field!.Value.Problem($"is not a valid .NET regular expression: {e.Message}");
            return null;
        }
    }
}
