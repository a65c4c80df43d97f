using System.Globalization;
using System.Text;

namespace Station.Simulator.Faults;

/// <summary>
/// What a fresh board's factory firmware prints while it runs: ESP-IDF-style log lines (<c>I (1234) tag: …</c>,
/// CR LF), plain ASCII so it can never look like SLIP. Deterministic for a random stream.
/// </summary>
internal static class FloodText
{
    private static readonly string[] Tags = ["app_main", "sensor", "wifi", "mqtt", "ota"];

    public static string Build(FaultRandom random, int bytes)
    {
        var text = new StringBuilder(bytes + 128);
        long ms = 300 + random.Next(200);
        int line = 0;
        while (text.Length < bytes)
        {
            ms += 20 + random.Next(480);
            string tag = Tags[random.Next(Tags.Length)];
            string message = tag switch
            {
                "sensor" => string.Create(CultureInfo.InvariantCulture, $"sample {line}: temperature {18 + (random.Next(1000) / 100.0):0.00} C, humidity {30 + random.Next(40)} %"),
                "wifi" => string.Create(CultureInfo.InvariantCulture, $"retry {line % 10}: connecting to factory-ap (reason 201, no AP found)"),
                "mqtt" => string.Create(CultureInfo.InvariantCulture, $"publish telemetry/{line} qos 1 len {40 + random.Next(200)}"),
                "ota" => string.Create(CultureInfo.InvariantCulture, $"checking for update, attempt {line}"),
                _ => string.Create(CultureInfo.InvariantCulture, $"heartbeat {line}, free heap {180000 + random.Next(20000)}"),
            };
            text.Append(CultureInfo.InvariantCulture, $"I ({ms}) {tag}: {message}\r\n");
            line++;
        }

        return text.ToString();
    }
}
