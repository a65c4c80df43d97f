using System.Text.Json;
using System.Text.Json.Serialization;
using Station.Line.Slots;

namespace Station.Cli.Run;

/// <summary>
/// The baud each slot last passed a unit at, kept across jobs in <c>&lt;reports&gt;/slots.json</c>:
/// <code>{ "slots": { "fixture A, slot 3": { "adapter": "1a86:7523", "baud": 460800, "learned": "2026-…" } } }</code>
/// A slot whose adapter changed since (another VID:PID, or none) starts at the top of its ladder again.
/// Each lesson is merged into the file as it is now (another station may share the reports folder) and
/// written to a temporary file renamed over the old one, so a crash leaves the old file or the new one.
/// </summary>
public sealed class SlotBaudFile : ISlotBaudMemory
{
    public const string FileName = "slots.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _atStart;

    public SlotBaudFile(string reportsDirectory, TimeProvider time)
    {
        _path = Path.Combine(reportsDirectory, FileName);
        _time = time;
        _atStart = Read(_path);
    }

    public string FilePath => _path;

    public int? Recall(string slotKey, string? adapter)
    {
        lock (_gate)
        {
            return _atStart.TryGetValue(slotKey, out var entry) && entry.Adapter == adapter ? entry.Baud : null;
        }
    }

    public void Learned(string slotKey, string? adapter, int baud)
    {
        lock (_gate)
        {
            var slots = Read(_path);
            slots[slotKey] = new Entry(adapter, baud, _time.GetUtcNow());
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            string temp = _path + ".tmp";
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, new Document(new SortedDictionary<string, Entry>(slots, StringComparer.Ordinal)), Json);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, _path, overwrite: true);
        }
    }

    /// <summary>The file's slots; an absent or damaged file is an empty memory (the slots relearn), never a failed job.</summary>
    private static Dictionary<string, Entry> Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var document = JsonSerializer.Deserialize<Document>(stream, Json);
            return document?.Slots is { } slots
                ? new Dictionary<string, Entry>(slots.Where(s => s.Value is { Baud: > 0 }), StringComparer.Ordinal)
                : new Dictionary<string, Entry>(StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return new Dictionary<string, Entry>(StringComparer.Ordinal);
        }
    }

    private sealed record Document(IDictionary<string, Entry>? Slots);

    private sealed record Entry(string? Adapter, int Baud, DateTimeOffset Learned);
}
