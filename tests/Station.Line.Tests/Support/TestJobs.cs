using System.Security.Cryptography;
using Station.Flashing.Stub;
using Station.Line.Fixtures;
using Station.Line.Jobs;
using Station.Profiles;
using Station.Protocol.Chips;
using Station.Protocol.Images;

namespace Station.Line.Tests.Support;

internal static class TestJobs
{
    public static string StubDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Station.sln")))
        {
            dir = dir.Parent;
        }

        string stubs = Path.Combine(dir!.FullName, "tests", "interop", "node_modules", "esptool-js", "lib", "targets", "stub_flasher");
        return Directory.Exists(stubs) ? stubs : throw new InvalidOperationException($"Run scripts/test.sh (or npm ci in tests/interop) first: {stubs} is missing.");
    }

    /// <summary>A profile for <paramref name="chip"/> whose two images are written to a temp directory with pinned hashes.</summary>
    public static Profile Profile(ChipSpec chip, RetryPolicy? retry = null, IReadOnlyList<int>? ladder = null, BootCheck? bootCheck = null, AfterFlash after = AfterFlash.RunApp)
    {
        string dir = Path.Combine(Path.GetTempPath(), "station-line-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var random = new Random(5);
        byte[] appBody = new byte[40_000];
        for (int i = 0; i < appBody.Length; i++)
        {
            appBody[i] = random.Next(3) == 0 ? (byte)random.Next() : (byte)(i / 97);
        }

        byte[] bootloader = EspImageBuilder.Build(chip, 0x4008_0400, [new SegmentData(0x3FFF_0030, appBody[..4096])]);
        byte[] app = EspImageBuilder.Build(chip, 0x400D_0018, [new SegmentData(0x3F40_0020, appBody)]);
        var images = new List<ProfileImage>();
        foreach (var (name, offset, bytes) in new[] { ("bootloader", chip.BootloaderOffset, bootloader), ("app", 0x10000u, app) })
        {
            string path = Path.Combine(dir, name + ".bin");
            File.WriteAllBytes(path, bytes);
            images.Add(new ProfileImage(name, offset, path, Convert.ToHexStringLower(SHA256.HashData(bytes))));
        }

        return new Profile
        {
            Name = "line-test",
            Version = "1.2.3",
            Chip = chip,
            Flash = new FlashSettings("dio", "40m", null),
            Images = images,
            Link = new LinkSettings(115200, ladder ?? [921600, 460800, 115200]),
            Retry = retry ?? new RetryPolicy { ConnectAttempts = 3, Timeouts = new StepTimeouts { Connect = TimeSpan.FromSeconds(20) } },
            After = after,
            BootCheck = bootCheck,
            SourcePath = Path.Combine(dir, "profile.json"),
            Sha256 = new string('0', 64),
        };
    }

    public static Task<LineJob> PrepareAsync(Profile profile, IReadOnlyList<ISlotFixture> slots, Recorded sink, int? units, bool stubs = true) =>
        LineJob.PrepareAsync(profile, new JobIdentity("batch-1", "station-1", "tester"), slots, sink, sink,
            stubs ? StubCatalogue.FromDirectory(StubDirectory()) : StubCatalogue.None, units, TimeProvider.System, CancellationToken.None);
}
