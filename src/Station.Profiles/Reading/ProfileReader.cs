using System.Globalization;
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
    public const uint SectorSize = 0x1000;

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
        var images = ReadImages(root.Required("images"), flashSize, flash.Size);
        var link = ReadLink(root.Required("link"));
        var retry = ReadRetry(root.Optional("retry"));
        ReadVerification(root.Optional("verification"));
        AfterFlash? after = ReadAfter(root.Required("after"));
        var bootCheck = ReadBootCheck(root.Optional("bootCheck"));
        var deviceData = ReadDeviceData(root.Optional("deviceData"));

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

    private IReadOnlyList<ProfileImage>? ReadImages(JsonField? field, uint? flashSize, string? flashSizeName)
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
    private static uint? ReadOffset(JsonField? field)
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

    /// <summary>Paths in a profile are relative to the profile file, so a profile and its images move together.</summary>
    private string? ResolveImagePath(JsonField? field)
    {
        string? relative = field?.AsString();
        if (relative is null)
        {
            return null;
        }

        try
        {
            return Path.GetFullPath(relative, profileDirectory);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            field!.Value.Problem($"'{relative}' is not a usable path: {e.Message}");
            return null;
        }
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

    private static LinkSettings? ReadLink(JsonField? field)
    {
        var link = field?.AsObject(ProfileProperties.Link);
        if (link is null)
        {
            return null;
        }

        int? initialBaud = link.Required("initialBaud")?.AsInt(MinBaud, MaxBaud);
        var ladder = ReadBaudLadder(link.Required("baudLadder"));
        return initialBaud is { } baud && ladder is not null ? new LinkSettings(baud, ladder) : null;
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

    private static RetryPolicy? ReadRetry(JsonField? field)
    {
        var defaults = new RetryPolicy();
        if (field is null)
        {
            return defaults;
        }

        var retry = field.Value.AsObject(ProfileProperties.Retry);
        if (retry is null)
        {
            return null;
        }

        var (breakerFailures, breakerPause) = ReadSlotBreaker(retry.Optional("slotBreaker"), defaults);
        return new RetryPolicy
        {
            ConnectAttempts = retry.Optional("connectAttempts")?.AsInt(min: 1) ?? defaults.ConnectAttempts,
            ResetStrategies = ReadResetStrategies(retry.Optional("resetStrategies")) ?? defaults.ResetStrategies,
            BlockRetries = retry.Optional("blockRetries")?.AsInt(min: 0) ?? defaults.BlockRetries,
            RegionRetries = retry.Optional("regionRetries")?.AsInt(min: 0) ?? defaults.RegionRetries,
            UnitAttempts = retry.Optional("unitAttempts")?.AsInt(min: 1) ?? defaults.UnitAttempts,
            SlotBreakerFailures = breakerFailures,
            SlotBreakerPause = breakerPause,
            Timeouts = ReadTimeouts(retry.Optional("timeouts"), defaults.Timeouts),
        };
    }

    /// <summary>Names only need to be non-empty strings here: the line checks them with the transport's parser.</summary>
    private static IReadOnlyList<string>? ReadResetStrategies(JsonField? field)
    {
        var items = field?.AsArray();
        if (items is null)
        {
            return null;
        }

        if (items.Count == 0)
        {
            field!.Value.Problem("must list at least one reset strategy");
            return null;
        }

        var names = items.Select(item => item.AsString()).ToList();
        return names.All(n => n is not null) ? names.Select(n => n!).ToList() : null;
    }

    private static (int Failures, TimeSpan Pause) ReadSlotBreaker(JsonField? field, RetryPolicy defaults)
    {
        var breaker = field?.AsObject(ProfileProperties.SlotBreaker);
        return (
            breaker?.Optional("consecutiveFailures")?.AsInt(min: 1) ?? defaults.SlotBreakerFailures,
            breaker?.Optional("pauseSeconds")?.AsSeconds() ?? defaults.SlotBreakerPause);
    }

    private static StepTimeouts ReadTimeouts(JsonField? field, StepTimeouts defaults)
    {
        var timeouts = field?.AsObject(ProfileProperties.Timeouts);
        if (timeouts is null)
        {
            return defaults;
        }

        return new StepTimeouts
        {
            Connect = timeouts.Optional("connectSeconds")?.AsSeconds() ?? defaults.Connect,
            Identify = timeouts.Optional("identifySeconds")?.AsSeconds() ?? defaults.Identify,
            Stub = timeouts.Optional("stubSeconds")?.AsSeconds() ?? defaults.Stub,
            WriteBase = timeouts.Optional("writeBaseSeconds")?.AsSeconds() ?? defaults.WriteBase,
            WritePerMegabyte = timeouts.Optional("writeSecondsPerMegabyte")?.AsSeconds() ?? defaults.WritePerMegabyte,
            VerifyBase = timeouts.Optional("verifyBaseSeconds")?.AsSeconds() ?? defaults.VerifyBase,
            VerifyPerMegabyte = timeouts.Optional("verifySecondsPerMegabyte")?.AsSeconds() ?? defaults.VerifyPerMegabyte,
            Reset = timeouts.Optional("resetSeconds")?.AsSeconds() ?? defaults.Reset,
        };
    }

    /// <summary>Verification is always on; the section exists so a profile can say so, never to switch it off.</summary>
    private static void ReadVerification(JsonField? field)
    {
        var verification = field?.AsObject(ProfileProperties.Verification);
        var md5Field = verification?.Optional("md5");
        if (md5Field?.AsBool() == false)
        {
            md5Field.Value.Problem("MD5 verification cannot be turned off: every region is always verified after writing");
        }
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

    /// <summary>Reserved for per-device data (the next work item): any object, kept as raw JSON.</summary>
    private static JsonElement? ReadDeviceData(JsonField? field)
    {
        if (field is not { } data)
        {
            return null;
        }

        if (data.Value.ValueKind != JsonValueKind.Object)
        {
            data.Problem($"must be an object or null, not {JsonField.Describe(data.Value)}");
            return null;
        }

        // Clone: the element must outlive the JsonDocument it came from.
        return data.Value.Clone();
    }
}
