using System.Globalization;
using System.Text;
using Station.Traceability.Csv;

namespace Station.Traceability.Reports;

/// <summary>A batch report as the plain text <c>station report --batch</c> prints.</summary>
public static class BatchReportText
{
    public static string Render(BatchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        Line(text, $"Batch {report.Batch}");
        Line(text, $"  Units       {report.Units} (PASS {report.PassUnits}, FAIL {report.FailUnits}, INTERRUPTED {report.InterruptedUnits}) from {report.Attempts} attempts");
        Line(text, $"  Yield       {(report.YieldPercent is { } y ? $"{y:0.0} %" : "-")} of {report.FinishedUnits} finished units");
        Line(text, $"  Throughput  {(report.UnitsPerHour is { } u ? $"{u:0.0} units/hour" : "-")}{Span(report)}");
        Line(text, $"  Unit time   {(report.AverageUnitSeconds is { } avg ? $"average {avg:0.0} s, median {report.MedianUnitSeconds:0.0} s" : "-")}");
        Line(text, $"  Retries     {report.Retries}");

        Line(text, "");
        if (report.FailuresByCause.Count == 0)
        {
            Line(text, "Failures by cause: none");
        }
        else
        {
            int width = Math.Max(4, report.FailuresByCause.Max(f => f.Code.Length));
            Line(text, "Failures by cause (last attempt of each failed unit)");
            Line(text, $"  {"Units",5}  {"Code".PadRight(width)}  Cause");
            foreach (var failure in report.FailuresByCause)
            {
                Line(text, $"  {failure.Units,5}  {failure.Code.PadRight(width)}  {failure.Cause}");
            }
        }

        Line(text, "");
        Line(text, report.RetriesByKind.Count == 0 ? "Retries by kind: none" : "Retries by kind");
        int kindWidth = report.RetriesByKind.Select(k => k.Kind.Length).DefaultIfEmpty(0).Max();
        foreach (var kind in report.RetriesByKind)
        {
            Line(text, $"  {kind.Kind.PadRight(kindWidth)}  {kind.Count,5}");
        }

        Line(text, "");
        Line(text, report.Bauds.Count == 0 ? "Attempts by baud: none recorded" : "Attempts by baud");
        foreach (var baud in report.Bauds)
        {
            Line(text, $"  {baud.Baud,8}  {baud.Attempts,5}");
        }

        if (report.IgnoredTailBytes > 0)
        {
            Line(text, "");
            Line(text, $"Note: {report.IgnoredTailBytes} bytes of a row torn by a crash at the end of units.csv were left out; the station cuts them when it reopens the batch.");
        }

        return text.ToString();
    }

    private static string Span(BatchReport report) =>
        report.FirstStarted is { } first && report.LastEnded is { } last
            ? $" ({first.ToString(UnitCsvRowMap.TimeFormat, CultureInfo.InvariantCulture)} to {last.ToString(UnitCsvRowMap.TimeFormat, CultureInfo.InvariantCulture)})"
            : "";

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}
