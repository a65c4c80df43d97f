using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Station.Protocol.Chips;

namespace Station.Simulator.Faults;

/// <summary>
/// The record of the faults injected on one board, written as <c>&lt;MAC with dashes&gt;.faults.json</c> next
/// to its flash dump (<see cref="WriteAsync"/>) and read back with <see cref="ReadAsync"/>. Every injection
/// is counted; the first <see cref="EntriesPerKind"/> of each kind are kept with their details (a corrupt
/// rate of 1 would otherwise log every byte). Thread-safe.
/// </summary>
/// <remarks>
/// The file:
/// <code>
/// {
///   "mac": "24:0A:C4:12:34:56", "slot": 1, "serial": 0, "seed": 42,      // slot 1-based, as dN: in the spec
///   "spec": "brownout=0.5;corrupt=1e-05",                                 // the fleet's spec, canonical form
///   "dealt": [ "brownout: at 37.2% of the first flash write" ],           // what this board drew (text)
///   "counts": { "brownout": 1 },                                          // injections per fault name
///   "injected": [ { "kind": "brownout", "at": "2025-…+00:00", "activity": "RomLoader", "command": "FlashData",
///                   "address": "0x15f40", "detail": "supply dipped while programming …" } ]
/// }
/// </code>
/// <c>activity</c>, <c>command</c>, <c>address</c> (hex string, flash faults) and <c>offset</c> (number: host
/// byte index for wire faults, payload offset for RAM blocks) are left out when they do not apply.
/// </remarks>
public sealed class FaultLog
{
    public const int EntriesPerKind = 100;

    private readonly Lock _gate = new();
    private readonly List<InjectedFault> _entries = [];
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private string? _activity;
    private string? _command;

    public FaultLog(BoardKey board, FaultSpec spec, DealtFaults dealt, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Board = board;
        Spec = spec.ToString();
        Dealt = dealt;
        _time = time;
    }

    public BoardKey Board { get; }

    public string Spec { get; }

    public DealtFaults Dealt { get; }

    /// <summary>Raised for every recorded injection (on the device's task).</summary>
    public event Action<InjectedFault>? Injected;

    public IReadOnlyList<InjectedFault> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>How many injections of each kind happened (including those beyond the kept entries).</summary>
    public IReadOnlyDictionary<string, long> Counts
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, long>(_counts, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The device's current activity, quoted in later entries.</summary>
    internal void SetActivity(string activity) => Volatile.Write(ref _activity, activity);

    /// <summary>The command the loader is handling now (null between commands).</summary>
    internal void SetCommand(string? command) => Volatile.Write(ref _command, command);

    internal void Record(string kind, string detail, uint? address = null, long? offset = null, bool withCommand = true)
    {
        var fault = new InjectedFault(kind, _time.GetUtcNow(), Volatile.Read(ref _activity), withCommand ? Volatile.Read(ref _command) : null, address, offset, detail);
        lock (_gate)
        {
            long count = _counts.GetValueOrDefault(kind) + 1;
            _counts[kind] = count;
            if (count <= EntriesPerKind)
            {
                _entries.Add(fault);
            }
        }

        Injected?.Invoke(fault);
    }

    /// <summary>Writes the record to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public async Task WriteAsync(string path, MacAddress mac, CancellationToken cancellationToken)
    {
        string full = Path.GetFullPath(path);
        string temp = $"{full}.{Guid.NewGuid():N}.tmp";
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 12, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                // Relaxed escaping: the record is read by people too ("board's", "→"), and never embedded in HTML.
                await using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
                Write(json, mac);
                await json.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// Reads a record written by <see cref="WriteAsync"/>. Throws <see cref="InvalidDataException"/> naming the
    /// file when it is not one (missing or mistyped fields, bad JSON).
    /// </summary>
    public static async Task<FaultRecord> ReadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 12, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
                return Read(document.RootElement);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
            {
                throw new InvalidDataException($"{path} is not a simulator fault record: {e.Message}", e);
            }
        }
    }

    private static FaultRecord Read(JsonElement root)
    {
        static string Text(JsonElement e, string name) => e.GetProperty(name).GetString() ?? throw new FormatException($"'{name}' is null.");
        static string? Optional(JsonElement e, string name) => e.TryGetProperty(name, out var value) ? value.GetString() : null;

        int slot = root.GetProperty("slot").GetInt32();
        if (slot < 1)
        {
            throw new FormatException($"'slot' is {slot}; slots count from 1.");
        }

        var board = new BoardKey(root.GetProperty("seed").GetUInt64(), slot - 1, root.GetProperty("serial").GetInt64());
        var dealt = root.GetProperty("dealt").EnumerateArray().Select(d => d.GetString() ?? throw new FormatException("A 'dealt' line is null.")).ToList();
        var counts = root.GetProperty("counts").EnumerateObject().ToDictionary(c => c.Name, c => c.Value.GetInt64(), StringComparer.Ordinal);
        var injected = root.GetProperty("injected").EnumerateArray().Select(e => new InjectedFault(
            Text(e, "kind"),
            e.GetProperty("at").GetDateTimeOffset(),
            Optional(e, "activity"),
            Optional(e, "command"),
            Optional(e, "address") is { } address ? ParseAddress(address) : null,
            e.TryGetProperty("offset", out var offset) ? offset.GetInt64() : null,
            Text(e, "detail"))).ToList();
        return new FaultRecord(MacAddress.Parse(Text(root, "mac")), board, Text(root, "spec"), dealt, counts, injected);
    }

    private static uint ParseAddress(string text) =>
        text.StartsWith("0x", StringComparison.Ordinal)
            ? uint.Parse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)
            : throw new FormatException($"address '{text}' is not 0x-prefixed hex.");

    private void Write(Utf8JsonWriter json, MacAddress mac)
    {
        json.WriteStartObject();
        json.WriteString("mac", mac.ToString());
        json.WriteNumber("slot", Board.Slot + 1);
        json.WriteNumber("serial", Board.Serial);
        json.WriteNumber("seed", Board.Seed);
        json.WriteString("spec", Spec);
        json.WriteStartArray("dealt");
        foreach (string line in Dealt.Describe())
        {
            json.WriteStringValue(line);
        }

        json.WriteEndArray();
        json.WriteStartObject("counts");
        foreach (var (kind, count) in Counts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            json.WriteNumber(kind, count);
        }

        json.WriteEndObject();
        json.WriteStartArray("injected");
        foreach (var entry in Entries)
        {
            json.WriteStartObject();
            json.WriteString("kind", entry.Kind);
            json.WriteString("at", entry.At);
            WriteOptional(json, "activity", entry.Activity);
            WriteOptional(json, "command", entry.Command);
            if (entry.Address is { } address)
            {
                json.WriteString("address", $"0x{address:x}");
            }

            if (entry.Offset is { } offset)
            {
                json.WriteNumber("offset", offset);
            }

            json.WriteString("detail", entry.Detail);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
