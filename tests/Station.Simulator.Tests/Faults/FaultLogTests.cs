using System.Text.Json;
using Station.Protocol.Chips;
using Station.Simulator.Device;
using Station.Simulator.Faults;
using Station.Simulator.Tests.Support;

namespace Station.Simulator.Tests.Faults;

/// <summary><c>&lt;MAC&gt;.faults.json</c>: the ground truth written beside a board's flash dump, and read back.</summary>
public sealed class FaultLogTests : IDisposable
{
    private const uint Offset = 0x10000;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sim-faultlog-" + Guid.NewGuid().ToString("N"));

    public FaultLogTests()
    {
        Directory.CreateDirectory(_dir);
    }

    [Fact]
    public async Task Dump_BoardThatSufferedFaults_WritesTheRecordBesideTheDumpInTheDocumentedShape()
    {
        var device = new SimulatedDevice(new DeviceOptions
        {
            Chip = ChipCatalogue.Esp32, Index = 2, Faults = FaultPlan.Deal(FaultSpec.Parse("brownout=1; drop=0"), new BoardKey(42, 2, 7), TimeProvider.System),
        });
        await using (var probe = WireProbe.Attach(device))
        {
            await Faulty.RomWriteAsync(probe, Offset, Images.Pattern(0x4000, seed: 5));
            await probe.ReadNoiseUntilAsync("rst:0xf");
        }

        string dump = await device.DumpAsync(_dir, CancellationToken.None);

        string path = Path.Combine(_dir, device.Mac.ToString().Replace(':', '-') + ".faults.json");
        Assert.Equal(Path.ChangeExtension(dump, null) + ".faults.json", path);
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(path));
        var root = json.RootElement;
        Assert.Equal(["mac", "slot", "serial", "seed", "spec", "dealt", "counts", "injected"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(device.Mac.ToString(), root.GetProperty("mac").GetString());
        Assert.Equal((3, 7L, 42UL), (root.GetProperty("slot").GetInt32(), root.GetProperty("serial").GetInt64(), root.GetProperty("seed").GetUInt64()));
        Assert.Equal("brownout=1;drop=0", root.GetProperty("spec").GetString());
        Assert.StartsWith("brownout: at ", Assert.Single(root.GetProperty("dealt").EnumerateArray()).GetString(), StringComparison.Ordinal);
        Assert.Equal(1, root.GetProperty("counts").GetProperty("brownout").GetInt64());
        var entry = Assert.Single(root.GetProperty("injected").EnumerateArray());
        Assert.Equal(["kind", "at", "activity", "command", "address", "detail"], entry.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("brownout", "RomLoader", "FlashData"), (entry.GetProperty("kind").GetString(), entry.GetProperty("activity").GetString(), entry.GetProperty("command").GetString()));
        Assert.Equal($"0x{device.Log().Entries[0].Address:x}", entry.GetProperty("address").GetString());
    }

    [Fact]
    public async Task ReadAsync_WrittenRecord_GivesBackWhatTheLogHeld()
    {
        var plan = Faulty.Plan("corrupt=0.01;ram-corrupt=1", slot: 1, serial: 4);
        var device = new SimulatedDevice(new DeviceOptions { Chip = ChipCatalogue.Esp32, Index = 1, Faults = plan });
        plan.Wire.HostToDevice(Images.Pattern(30_000));
        plan.RamUpload.MemData(0, Images.Pattern(0x100));

        await device.DumpAsync(_dir, CancellationToken.None);
        var record = await FaultLog.ReadAsync(Path.Combine(_dir, device.FaultsFileName), CancellationToken.None);

        var log = device.Log();
        Assert.Equal(device.Mac, record.Mac);
        Assert.Equal(new BoardKey(Faulty.Seed, 1, 4), record.Board);
        Assert.Equal("corrupt=0.01;ram-corrupt=1", record.Spec);
        Assert.Equal(log.Dealt.Describe(), record.Dealt);
        Assert.Equal(log.Counts, record.Counts);
        Assert.True(record.Count("corrupt") > FaultLog.EntriesPerKind, "a rate this high outgrows the kept entries");
        Assert.Equal(FaultLog.EntriesPerKind, record.Injected.Count(e => e.Kind == "corrupt"));
        Assert.Equal(log.Entries, record.Injected);
    }

    [Fact]
    public async Task Dump_SpecThatMissedTheBoard_RecordSaysItDrewNothing()
    {
        var device = new SimulatedDevice(new DeviceOptions { Chip = ChipCatalogue.Esp32, Faults = Faulty.Plan("d2:dead-tx") });

        await device.DumpAsync(_dir, CancellationToken.None);
        var record = await FaultLog.ReadAsync(Path.Combine(_dir, device.FaultsFileName), CancellationToken.None);

        Assert.Equal((0, 0, 0), (record.Dealt.Count, record.Counts.Count, record.Injected.Count));
        Assert.Equal("d2:dead-tx=1", record.Spec);
    }

    [Fact]
    public async Task Dump_NoSpec_NoRecord()
    {
        var device = new SimulatedDevice(new DeviceOptions { Chip = ChipCatalogue.Esp32 });

        await device.DumpAsync(_dir, CancellationToken.None);

        Assert.Empty(Directory.EnumerateFiles(_dir, "*.faults.json"));
    }

    [Fact]
    public async Task ReadAsync_NotARecord_NamesTheFile()
    {
        string path = Path.Combine(_dir, "AA-BB-CC-DD-EE-FF.faults.json");
        await File.WriteAllTextAsync(path, """{ "mac": "AA:BB:CC:DD:EE:FF", "slot": 0 }""");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => FaultLog.ReadAsync(path, CancellationToken.None));

        Assert.StartsWith($"{path} is not a simulator fault record: ", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
