using System.Globalization;

namespace Station.Traceability.Csv;

public sealed partial class UnitCsvRow
{
    /// <summary>The text of <see cref="Md5Verified"/> when no region's MD5 was read back.</summary>
    public const string NotVerified = "not-verified";

    /// <summary>Flattens a record into its row: times in UTC, composite cells formatted, free text on one line.</summary>
    public static UnitCsvRow From(UnitRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var steps = record.StepSeconds;
        return new UnitCsvRow
        {
            RecordId = Line(record.RecordId)!,
            Batch = Line(record.Batch)!,
            StationId = Line(record.StationId)!,
            Operator = Line(record.Operator)!,
            Slot = record.Slot,
            Port = Line(record.Port)!,
            Unit = record.UnitNumber,
            Attempt = record.Attempt,
            Started = record.Started.ToUniversalTime(),
            Ended = record.Ended.ToUniversalTime(),
            Mac = Line(record.Mac),
            Chip = Line(record.Chip),
            ChipRevision = Line(record.ChipRevision),
            FlashId = Line(record.FlashId),
            FlashSize = Line(record.FlashSize),
            Profile = Line(record.ProfileName)!,
            ProfileVersion = Line(record.ProfileVersion)!,
            ProfileSha256 = Line(record.ProfileSha256)!,
            ImageSha256 = Line(PairListCell.Format(record.Regions.Select(r => Pair(Address(r.Address), r.ImageSha256)))),
            Md5Verified = Line(Md5Cell(record.Regions))!,
            Baud = record.Baud,
            Retries = record.Retries,
            Result = record.Result,
            ErrorCode = Line(record.ErrorCode),
            Cause = Line(record.Cause),
            Remedy = Line(record.Remedy),
            ConnectSeconds = Step(steps, "connect"),
            IdentifySeconds = Step(steps, "identify"),
            BaudSeconds = Step(steps, "baud"),
            StubSeconds = Step(steps, "stub"),
            AttachSeconds = Step(steps, "attach"),
            WriteSeconds = Step(steps, "write"),
            VerifySeconds = Step(steps, "verify"),
            ResetSeconds = Step(steps, "reset"),
            BootCheckSeconds = Step(steps, "boot_check"),
            OtherSteps = Line(PairListCell.Format(steps
                .Where(s => !UnitCsvRowMap.StepColumns.Contains(s.Key))
                .OrderBy(s => s.Key, StringComparer.Ordinal)
                .Select(s => Pair(s.Key, s.Value.ToString(UnitCsvRowMap.SecondsFormat, CultureInfo.InvariantCulture))))),
            BootCheck = record.BootCheck is { } check ? Line($"{check.Pattern}/{(check.Passed ? "PASS" : "FAIL")}") : null,
            Events = record.Events.Count,
            EventKinds = Line(PairListCell.Format(record.Events
                .GroupBy(e => e.Kind, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => Pair(g.Key, g.Count().ToString(CultureInfo.InvariantCulture))))),
            Serial = Line(record.DeviceData?.Serial),
            Operation = record.Operation,
            SlotName = Line(record.SlotName),
            Usb = Line(record.Usb),
            NvsSha256 = Line(record.DeviceData?.NvsSha256),
            DeviceValues = record.DeviceData is { Values.Count: > 0 } data
                ? Line(PairListCell.Format(data.Values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => Pair(v.Key, v.Value))))
                : null,
            MasterRow = record.DeviceData?.MasterRow,
            Efuse = record.DeviceData?.Efuse is { } efuse ? Line($"{efuse.Block} {efuse.Action} {string.Join(' ', efuse.WordsAfter)}") : null,
        };
    }

    /// <summary>Counts per event kind, parsed back from <see cref="EventKinds"/>.</summary>
    public IReadOnlyDictionary<string, int> EventKindCounts() =>
        PairListCell.Parse(EventKinds)
            .GroupBy(p => p.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(p => int.TryParse(p.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 0), StringComparer.Ordinal);

    /// <summary>Addresses as the profile and esptool write them: <c>0x10000</c>.</summary>
    public static string Address(uint address) => $"0x{address:X}";

    private static string Md5Cell(IReadOnlyList<RegionRecord> regions)
    {
        if (!regions.Any(r => r.ActualMd5 is not null || r.Verified))
        {
            return NotVerified;
        }

        return PairListCell.Format(regions.Select(r => Pair(Address(r.Address), r switch
        {
            { Verified: true } => "ok",
            { ActualMd5: { } actual } => $"MISMATCH({r.ExpectedMd5}/{actual})",
            _ => NotVerified,
        })))!;
    }

    private static double? Step(IReadOnlyDictionary<string, double> steps, string name) =>
        steps.TryGetValue(name, out double seconds) ? Math.Round(seconds, 3) : null;

    private static KeyValuePair<string, string> Pair(string key, string value) => new(key, value);

    // Control characters (newlines above all) would split a row over several lines; a row must be one line.
    private static string? Line(string? text)
    {
        if (text is null || !text.Any(char.IsControl))
        {
            return text;
        }

        return string.Create(text.Length, text, (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
            }
        });
    }
}
