using System.Text.Json;
using System.Text.Json.Serialization;

namespace Station.Cli.Bench;

/// <summary>One unit as a bench line process saw it: its verdict, cycle time and the seconds of each step from its record.</summary>
/// <param name="FirstOnSlot">The first unit of its slot in this process: it also pays the runtime's warm-up (JIT compilation).</param>
public sealed record BenchUnit(int Slot, string Result, double Seconds, int Baud, string? ErrorCode, IReadOnlyDictionary<string, double> Steps, bool FirstOnSlot);

/// <summary>
/// What a bench line process (<c>station bench-line</c>) measured about itself: wall time of the job, processor time
/// (job preparation and the line run apart), the process's peak working set, managed bytes allocated during the run,
/// and every unit.
/// </summary>
public sealed record BenchLineResult
{
    public required double WallSeconds { get; init; }

    /// <summary>Reading, hashing and compressing the images once per job.</summary>
    public required double PrepareCpuSeconds { get; init; }

    /// <summary>Processor time (user + system, all threads) while the line ran.</summary>
    public required double RunCpuSeconds { get; init; }

    public required long PeakWorkingSetBytes { get; init; }

    public required long AllocatedBytes { get; init; }

    public required IReadOnlyList<BenchUnit> Units { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
