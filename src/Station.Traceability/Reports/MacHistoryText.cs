using System.Globalization;
using System.Text;
using Station.Traceability.Csv;

namespace Station.Traceability.Reports;

/// <summary>A unit's history as the plain text <c>station report --mac</c> prints: one block per attempt.</summary>
public static class MacHistoryText
{
    public static string Render(MacHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var text = new StringBuilder();
        Line(text, $"{history.Mac}: {history.Attempts.Count} attempt{(history.Attempts.Count == 1 ? "" : "s")} in {history.Batches.Count} batch{(history.Batches.Count == 1 ? "" : "es")} ({string.Join(", ", history.Batches)})");
        foreach (var a in history.Attempts)
        {
            Line(text, "");
            string verdict = ResultCellConverter.ToCell(a.Result) + (a.ErrorCode is null ? "" : $" {a.ErrorCode}") + (a.Cause is null ? "" : $": {a.Cause}");
            Line(text, $"{a.Batch}  {Time(a.Started)} to {Time(a.Ended)} ({(a.Ended - a.Started).TotalSeconds:0.0} s)  {verdict}");
            Line(text, $"  slot {a.Slot} ({a.Port}), unit {a.UnitNumber}, attempt {a.Attempt}, station {a.StationId}, operator {a.Operator}, record {a.RecordId}");
            Line(text, $"  chip {a.Chip ?? "?"} {a.ChipRevision}, flash {a.FlashId ?? "?"} {a.FlashSize}, profile {a.ProfileName} {a.ProfileVersion} (sha256 {a.ProfileSha256})");
            Line(text, $"  baud {(a.Baud is { } baud ? baud.ToString(CultureInfo.InvariantCulture) : "-")}, retries {a.Retries}");
            if (a.Remedy is not null && a.Result != UnitResult.Pass)
            {
                Line(text, $"  remedy: {a.Remedy}");
            }

            int nameWidth = a.Regions.Select(r => r.Name.Length).DefaultIfEmpty(0).Max();
            foreach (var region in a.Regions)
            {
                Line(text, $"  region {region.Name.PadRight(nameWidth)}  {UnitCsvRow.Address(region.Address),-9}  {Md5Verdict(region)}  image sha256 {region.ImageSha256}");
            }

            if (a.BootCheck is { } check)
            {
                Line(text, $"  boot check \"{check.Pattern}\": {(check.Passed ? "PASS" : "FAIL")}{(check.MatchedLine is null ? "" : $" ({check.MatchedLine})")}");
            }
        }

        return text.ToString();
    }

    private static string Md5Verdict(RegionRecord region) => region switch
    {
        { Verified: true } => $"MD5 ok {region.ExpectedMd5}",
        { ActualMd5: { } actual } => $"MD5 MISMATCH expected {region.ExpectedMd5} actual {actual}",
        { Written: true } => "written, MD5 not verified",
        _ => "not written",
    };

    private static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString(UnitCsvRowMap.TimeFormat, CultureInfo.InvariantCulture);

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}
