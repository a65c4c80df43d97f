using System.Globalization;

namespace Station.Cli.Bench;

/// <summary>
/// The bench's picture: seconds per unit for every workload and baud (limit, Station, esptool-js side by side), and
/// per-port efficiency against one port for every port count (the 90 % target as a line).
/// </summary>
public static class BenchChart
{
    private static readonly (byte, byte, byte) Background = (255, 255, 255);
    private static readonly (byte, byte, byte) Ink = (30, 30, 30);
    private static readonly (byte, byte, byte) Grid = (215, 215, 215);
    private static readonly (byte, byte, byte) LimitColor = (150, 150, 150);
    private static readonly (byte, byte, byte) StationColor = (31, 119, 180);
    private static readonly (byte, byte, byte) EsptoolColor = (255, 127, 14);
    private static readonly (byte, byte, byte) TargetColor = (200, 30, 30);

    private const int Width = 1000;
    private const int PanelHeight = 330;
    private const int Left = 60;
    private const int Right = 20;

    public static byte[] Render(BenchResults results)
    {
        var canvas = new PngCanvas(Width, (2 * PanelHeight) + 20, Background);
        CyclePanel(canvas, results, top: 10);
        ScalingPanel(canvas, results, top: PanelHeight + 20);
        return canvas.ToPng();
    }

    private static void CyclePanel(PngCanvas canvas, BenchResults results, int top)
    {
        canvas.DrawText(Left, top, "SECONDS PER UNIT, ONE PORT: LIMIT / STATION / ESPTOOL-JS", 2, Ink);
        Legend(canvas, top + 22, [("LIMIT", LimitColor), ("STATION", StationColor), ("ESPTOOL-JS", EsptoolColor)]);
        var rows = results.Cycles;
        if (rows.Count == 0)
        {
            return;
        }

        double max = NiceCeiling(rows.Max(r => Math.Max(r.Limit.Total, Math.Max(r.Station.MeanUnitSeconds, r.EsptoolJs is { Passed: > 0 } e ? e.MeanUnitSeconds : 0))));
        var (y0, height) = Axis(canvas, top + 45, PanelHeight - 95, max, "S");
        int group = (Width - Left - Right) / rows.Count;
        int bar = Math.Max(4, Math.Min(40, (group - 16) / 3));
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            int x = Left + (i * group) + ((group - (3 * bar)) / 2);
            Bar(canvas, x, y0, height, max, row.Limit.Total, LimitColor);
            Bar(canvas, x + bar, y0, height, max, row.Station.MeanUnitSeconds, StationColor);
            if (row.EsptoolJs is { Passed: > 0 } e)
            {
                Bar(canvas, x + (2 * bar), y0, height, max, e.MeanUnitSeconds, EsptoolColor);
            }

            Label(canvas, Left + (i * group), group, y0 + 6, row.Workload.ToUpperInvariant());
            Label(canvas, Left + (i * group), group, y0 + 18, row.Baud.ToString(CultureInfo.InvariantCulture));
        }

        void Bar(PngCanvas c, int x, int baseline, int h, double scale, double value, (byte, byte, byte) color)
        {
            int px = (int)Math.Round(value / scale * h);
            c.FillRect(x, baseline - px, bar - 2, px, color);
            string text = value.ToString(value >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture);
            c.DrawText(x + ((bar - 2 - PngCanvas.TextWidth(text, 1)) / 2), baseline - px - 10, text, 1, Ink);
        }
    }

    private static void ScalingPanel(PngCanvas canvas, BenchResults results, int top)
    {
        var rows = results.Scaling;
        string title = rows.Count > 0
            ? string.Create(CultureInfo.InvariantCulture, $"PER-PORT EFFICIENCY VS ONE PORT, {rows[0].Workload.ToUpperInvariant()} AT {rows[0].Baud} BAUD")
            : "PER-PORT EFFICIENCY VS ONE PORT";
        canvas.DrawText(Left, top, title, 2, Ink);
        Legend(canvas, top + 22, [("STATION", StationColor), ("ESPTOOL-JS", EsptoolColor), ("90% TARGET", TargetColor)]);
        var single = rows.FirstOrDefault(r => r.Ports == 1);
        if (single is null)
        {
            return;
        }

        double Efficiency(Measurement m, Measurement one, int ports) => m.UnitsPerHour / (ports * one.UnitsPerHour);
        const double max = 1.2;
        var (y0, height) = Axis(canvas, top + 45, PanelHeight - 95, max, "%");
        int target = y0 - (int)Math.Round(0.9 / max * height);
        canvas.FillRect(Left, target, Width - Left - Right, 2, TargetColor);
        int group = (Width - Left - Right) / rows.Count;
        int bar = Math.Max(4, Math.Min(60, (group - 16) / 2));
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            int x = Left + (i * group) + ((group - (2 * bar)) / 2);
            DrawBar(x, Efficiency(row.Station, single.Station, row.Ports), StationColor);
            if (row.EsptoolJs is { Passed: > 0 } e && single.EsptoolJs is { Passed: > 0 } oneJs)
            {
                DrawBar(x + bar, Efficiency(e, oneJs, row.Ports), EsptoolColor);
            }

            Label(canvas, Left + (i * group), group, y0 + 6, row.Ports.ToString(CultureInfo.InvariantCulture) + (row.Ports == 1 ? " PORT" : " PORTS"));
        }

        void DrawBar(int x, double value, (byte, byte, byte) color)
        {
            int px = (int)Math.Round(Math.Min(value, max) / max * height);
            canvas.FillRect(x, y0 - px, bar - 2, px, color);
            string text = value.ToString("0%", CultureInfo.InvariantCulture);
            canvas.DrawText(x + ((bar - 2 - PngCanvas.TextWidth(text, 1)) / 2), y0 - px - 10, text, 1, Ink);
        }
    }

    /// <summary>The smallest of 1, 2, 4, 5, 8 × 10^k at or above <paramref name="value"/>, so that quarter grid lines fall on round numbers.</summary>
    public static double NiceCeiling(double value)
    {
        if (!(value > 0))
        {
            return 1;
        }

        double power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (double step in new[] { 1.0, 2, 4, 5, 8, 10 })
        {
            if (step * power >= value)
            {
                return step * power;
            }
        }

        return 10 * power;
    }

    /// <summary>Draws horizontal grid lines with labels; returns the baseline and the plot height.</summary>
    private static (int Baseline, int Height) Axis(PngCanvas canvas, int top, int height, double max, string unit)
    {
        int baseline = top + height;
        for (int i = 0; i <= 4; i++)
        {
            int y = baseline - (i * height / 4);
            canvas.FillRect(Left, y, Width - Left - Right, 1, i == 0 ? Ink : Grid);
            double value = max * i / 4;
            string text = unit == "%" ? value.ToString("0%", CultureInfo.InvariantCulture) : value.ToString(max >= 20 ? "0" : "0.##", CultureInfo.InvariantCulture) + " " + unit;
            canvas.DrawText(Left - 6 - PngCanvas.TextWidth(text, 1), y - 3, text, 1, Ink);
        }

        return (baseline, height);
    }

    private static void Legend(PngCanvas canvas, int y, IReadOnlyList<(string Text, (byte, byte, byte) Color)> items)
    {
        int x = Left;
        foreach (var (text, color) in items)
        {
            canvas.FillRect(x, y, 12, 12, color);
            canvas.DrawText(x + 16, y + 2, text, 1, Ink);
            x += 16 + PngCanvas.TextWidth(text, 1) + 20;
        }
    }

    private static void Label(PngCanvas canvas, int x, int width, int y, string text) =>
        canvas.DrawText(x + ((width - PngCanvas.TextWidth(text, 1)) / 2), y, text, 1, Ink);
}
