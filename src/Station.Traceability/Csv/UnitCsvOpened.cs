namespace Station.Traceability.Csv;

/// <summary>What opening <c>units.csv</c> for appending found and did.</summary>
/// <param name="Created">The file was new (or held only a header torn by a crash) and got a fresh header.</param>
/// <param name="RemovedBytes">Bytes cut from the end: a row (or header) a crash left incomplete. Zero when the file was whole.</param>
/// <param name="RemovedText">Those bytes as text, for the log, so nothing is lost silently.</param>
public sealed record UnitCsvOpened(string Path, bool Created, long RemovedBytes, string RemovedText)
{
    public bool RepairedTornRow => RemovedBytes > 0;

    /// <summary>A line for the station log when a repair happened.</summary>
    public string Describe() => RepairedTornRow
        ? $"{Path}: removed {RemovedBytes} bytes of an incomplete last row left by a crash: \"{RemovedText.Replace("\0", "\\0", StringComparison.Ordinal)}\""
        : $"{Path}: {(Created ? "created" : "whole")}";
}
