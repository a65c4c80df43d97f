using Station.Traceability.Csv;
using Station.Traceability.Json;

namespace Station.Traceability.Reports;

/// <summary>The reports folder: one sub-folder per batch, each with <c>units.csv</c> and <c>by-mac/</c>.</summary>
public sealed class ReportsDirectory(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public bool Exists => Directory.Exists(Path);

    /// <summary>Names of the batches found (folders holding units.csv or by-mac/), in ordinal order.</summary>
    public IReadOnlyList<string> Batches()
    {
        if (!Exists)
        {
            return [];
        }

        return [.. Directory.EnumerateDirectories(Path)
            .Where(d => File.Exists(System.IO.Path.Combine(d, UnitCsvFormat.FileName)) || Directory.Exists(System.IO.Path.Combine(d, UnitHistoryFile.Directory)))
            .Select(d => System.IO.Path.GetFileName(d))
            .Order(StringComparer.Ordinal)];
    }

    public string BatchPath(string batch)
    {
        BatchName.Validate(batch);
        return System.IO.Path.Combine(Path, batch);
    }

    public string UnitsCsvPath(string batch) => System.IO.Path.Combine(BatchPath(batch), UnitCsvFormat.FileName);

    public bool HasUnitsCsv(string batch) => BatchName.IsValid(batch) && File.Exists(UnitsCsvPath(batch));
}
