using Station.Cli.Tests.Support;

namespace Station.Cli.Tests.Commands;

/// <summary>Every command against a simulated line, run as a separate process; bad input gets its cause and its own exit code.</summary>
public class CommandLineTests(SimulatorFixture line) : IClassFixture<SimulatorFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Info_Json_DescribesTheSimulatedChip()
    {
        var (code, output, _) = await Station("info", "--port", line.Devices[0].Url, "--json");

        Assert.Equal(0, code);
        Assert.Contains("\"chip\": \"ESP32\"", output, StringComparison.Ordinal);
        Assert.Contains($"\"mac\": \"{line.Devices[0].Mac}\"", output, StringComparison.Ordinal);
        Assert.Contains("\"flashSize\": \"2MB\"", output, StringComparison.Ordinal);
        Assert.StartsWith("{", output.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlashVerifyRead_OverAPseudoTerminal_RoundTripsTheImage()
    {
        string image = await WriteImage("pty-app.bin", 70_000);
        string back = Path.Combine(line.Work, "pty-back.bin");
        string pty = line.Devices[1].Pty;

        var flash = await Station("flash", "--port", pty, "--stub-dir", Repository.Stubs, "--baud", "921600", "0x20000", image);
        var verify = await Station("verify", "--port", pty, "0x20000", image);
        var read = await Station("read-flash", "--port", pty, "--stub-dir", Repository.Stubs, "0x20000", "70000", back);

        Assert.True(flash.Code == 0, flash.Error + flash.Output);
        Assert.Contains("verified", flash.Output, StringComparison.Ordinal);
        Assert.Equal(0, verify.Code);
        Assert.Equal(0, read.Code);
        Assert.Equal(await File.ReadAllBytesAsync(image), await File.ReadAllBytesAsync(back));
    }

    [Fact]
    public async Task Verify_AfterEraseRegion_ReportsTheMismatchWithExitCode60()
    {
        string image = await WriteImage("erase-app.bin", 8192);
        string url = line.Devices[2].Url;
        Assert.Equal(0, (await Station("flash", "--port", url, "0x30000", image)).Code);

        Assert.Equal(0, (await Station("erase-region", "--port", url, "0x30000", "0x1000")).Code);
        var (code, output, error) = await Station("verify", "--port", url, "0x30000", image);

        Assert.Equal(60, code);
        Assert.Contains("DIFFERS", output, StringComparison.Ordinal);
        Assert.Contains("E-VERIFY-MD5-MISMATCH", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flash_ImageWithAnErasedGap_OverOldData_LeavesTheGapErased()
    {
        // A merged-image shape: data, 256 KiB of 0xFF (erased, not programmed, by the station), data.
        string url = line.Devices[0].Url;
        byte[] old = new byte[512 * 1024];
        new Random(11).NextBytes(old);
        byte[] merged = new byte[512 * 1024];
        new Random(12).NextBytes(merged);
        merged.AsSpan(64 * 1024, 256 * 1024).Fill(0xFF);
        string oldPath = Path.Combine(line.Work, "gap-old.bin");
        string mergedPath = Path.Combine(line.Work, "gap-merged.bin");
        string back = Path.Combine(line.Work, "gap-back.bin");
        await File.WriteAllBytesAsync(oldPath, old);
        await File.WriteAllBytesAsync(mergedPath, merged);
        Assert.Equal(0, (await Station("flash", "--port", url, "--stub-dir", Repository.Stubs, "0x100000", oldPath)).Code);

        var flash = await Station("flash", "--port", url, "--stub-dir", Repository.Stubs, "0x100000", mergedPath);
        var read = await Station("read-flash", "--port", url, "--stub-dir", Repository.Stubs, "0x100000", "512K", back);

        Assert.True(flash.Code == 0, flash.Error + flash.Output);
        Assert.Equal(0, read.Code);
        Assert.Equal(merged, await File.ReadAllBytesAsync(back));
    }

    [Theory]
    [InlineData("0x1001", 72, "E-ADDRESS-UNALIGNED")]
    [InlineData("0x1F0000", 74, "E-IMAGE-TOO-LARGE")]
    public async Task Flash_BadPlacement_IsRefusedBeforeWriting(string address, int exitCode, string errorCode)
    {
        string image = await WriteImage($"placement-{address}.bin", 0x20000);

        var (code, _, error) = await Station("flash", "--port", line.Devices[0].Url, address, image);

        Assert.Equal(exitCode, code);
        Assert.Contains(errorCode, error, StringComparison.Ordinal);
        Assert.Contains("What to do:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flash_OverlappingImages_IsRefusedNamingBoth()
    {
        string a = await WriteImage("overlap-a.bin", 0x2000);
        string b = await WriteImage("overlap-b.bin", 0x1000);

        var (code, _, error) = await Station("flash", "--port", line.Devices[0].Url, "0x10000", a, "0x11000", b);

        Assert.Equal(73, code);
        Assert.Contains("overlap-a.bin", error, StringComparison.Ordinal);
        Assert.Contains("overlap-b.bin", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flash_MissingAndEmptyFiles_AreNamed()
    {
        string empty = Path.Combine(line.Work, "empty.bin");
        await File.WriteAllBytesAsync(empty, []);

        var missing = await Station("flash", "--port", line.Devices[0].Url, "0x10000", Path.Combine(line.Work, "nope.bin"));
        var blank = await Station("flash", "--port", line.Devices[0].Url, "0x10000", empty);

        Assert.Equal(70, missing.Code);
        Assert.Contains("nope.bin", missing.Error, StringComparison.Ordinal);
        Assert.Equal(71, blank.Code);
    }

    [Fact]
    public async Task Flash_WrongChip_FailsWithNothingWritten()
    {
        string image = await WriteImage("wrong-chip.bin", 4096);

        var (code, _, error) = await Station("flash", "--port", line.Devices[0].Url, "--chip", "esp32s3", "0x10000", image);

        Assert.Equal(31, code);
        Assert.Contains("this board carries an ESP32, but the job is for ESP32-S3", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_MissingPort_SaysItDoesNotExist()
    {
        var (code, _, error) = await Station("info", "--port", "/dev/ttyUSB-station-missing");

        Assert.Equal(10, code);
        Assert.Contains("E-PORT-NOT-FOUND", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_PortHeldByAnotherProcess_NamesTheHolder()
    {
        // `flock` from util-linux holds the pty the way another serial program would.
        string pty = line.Devices[2].Pty;
        using var holder = System.Diagnostics.Process.Start("flock", ["--exclusive", pty, "sleep", "30"])!;
        try
        {
            await WaitUntilLockedAsync(pty);
            var (code, _, error) = await Station("info", "--port", pty);

            Assert.Equal(11, code);
            Assert.Contains("E-PORT-BUSY", error, StringComparison.Ordinal);
            Assert.Contains("sleep 30", error, StringComparison.Ordinal);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync();
        }
    }

    [Theory]
    [InlineData("flash", "--port", "socket://127.0.0.1:1", "0x10000")]
    [InlineData("info", "--port", "socket://127.0.0.1:1", "--baud", "12")]
    [InlineData("info", "--port", "socket://127.0.0.1:1", "--chip", "esp99")]
    [InlineData("info")]
    public async Task BadArguments_ExitWithUsageCode(params string[] arguments)
    {
        var (code, _, error) = await Station(arguments);

        Assert.Equal(2, code);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public async Task Info_NobodyListening_IsUnreachable()
    {
        var (code, _, error) = await Station("info", "--port", "socket://127.0.0.1:1");

        Assert.Equal(15, code);
        Assert.Contains("E-PORT-UNREACHABLE", error, StringComparison.Ordinal);
    }

    private static async Task WaitUntilLockedAsync(string path)
    {
        for (int i = 0; i < 100; i++)
        {
            using var probe = System.Diagnostics.Process.Start("flock", ["--nonblock", "--exclusive", path, "true"])!;
            await probe.WaitForExitAsync();
            if (probe.ExitCode != 0)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"The test's flock never took {path}.");
    }

    private async Task<string> WriteImage(string name, int length)
    {
        string path = Path.Combine(line.Work, name);
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        await File.WriteAllBytesAsync(path, bytes);
        return path;
    }

    private Task<(int Code, string Output, string Error)> Station(params string[] arguments) =>
        StationProcess.RunAsync(line.Work, Timeout, arguments);
}
