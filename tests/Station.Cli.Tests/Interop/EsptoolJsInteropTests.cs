using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Station.Cli.Tests.Support;

namespace Station.Cli.Tests.Interop;

/// <summary>
/// The referee for the simulator: Espressif's own JavaScript flasher (esptool-js, pinned by
/// tests/interop/package-lock.json) connects to <c>station simulate</c>, detects the chip, reads the
/// MAC, uploads its stub, writes a compressed image with its MD5 check and reads part of it back;
/// then the simulator's flash dump must equal the image.
/// </summary>
public partial class EsptoolJsInteropTests
{
    [Theory]
    [InlineData("esp32", "ESP32")]
    [InlineData("esp32s3", "ESP32-S3")]
    [InlineData("esp32c3", "ESP32-C3")]
    [InlineData("esp8266", "ESP8266")]
    [InlineData("esp32s2", "ESP32-S2")]
    [InlineData("esp32c6", "ESP32-C6")]
    [InlineData("esp32h2", "ESP32-H2")]
    public async Task EsptoolJs_FlashesStationSimulate_AndTheDumpEqualsTheImage(string chip, string chipName)
    {
        string work = Repository.TempDirectory();
        string dumps = Path.Combine(work, "dumps");
        byte[] image = new byte[150_000];
        new Random(chip.Length).NextBytes(image.AsSpan(0, 50_000));   // part noise, part zeros: realistic compression
        string imagePath = Path.Combine(work, "image.bin");
        await File.WriteAllBytesAsync(imagePath, image);

        await using var simulator = StationProcess.Start(work, "simulate", "--chip", chip, "--tcp", "127.0.0.1:0", "--dump-dir", dumps, "--no-pacing");
        string deviceLine = await simulator.WaitForLineAsync("device 0", TimeSpan.FromSeconds(60));
        await simulator.WaitForLineAsync("Ready.", TimeSpan.FromSeconds(10));
        var match = DeviceLine().Match(deviceLine);
        Assert.True(match.Success, $"unexpected device line: {deviceLine}");
        string mac = match.Groups["mac"].Value;
        string port = match.Groups["port"].Value;

        var result = await RunEsptoolJsAsync(port, imagePath);

        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        Assert.Equal(chipName, result.GetProperty("chip").GetString());
        Assert.Equal(mac, result.GetProperty("mac").GetString()!.ToUpperInvariant());
        Assert.True(result.GetProperty("stub").GetBoolean());
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(image)), result.GetProperty("flashMd5").GetString());
        Assert.True(result.GetProperty("readBackMatches").GetBoolean());

        await simulator.SignalAsync("INT");
        Assert.Equal(0, await simulator.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        byte[] flash = await File.ReadAllBytesAsync(Path.Combine(dumps, mac.Replace(':', '-') + ".bin"));
        Assert.Equal(image, flash.AsSpan(0x10000, image.Length).ToArray());
    }

    private static async Task<JsonElement> RunEsptoolJsAsync(string port, string imagePath)
    {
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = Repository.Interop,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in new[] { "esptool-js-flash.mjs", "127.0.0.1", port, "0x10000", imagePath, "921600" })
        {
            info.ArgumentList.Add(a);
        }

        using var node = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stdout = node.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = node.StandardError.ReadToEndAsync(timeout.Token);
        await node.WaitForExitAsync(timeout.Token);
        string output = await stdout;
        string lastLine = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        Assert.True(lastLine.StartsWith('{'), $"esptool-js printed no result. stdout: {output} stderr: {await stderr}");
        return JsonDocument.Parse(lastLine).RootElement.Clone();
    }

    [GeneratedRegex(@"device 0\s+(?<mac>[0-9A-F:]{17})\s+socket://127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex DeviceLine();
}
