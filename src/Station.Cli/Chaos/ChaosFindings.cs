using System.Globalization;
using System.Text;

namespace Station.Cli.Chaos;

/// <summary>One fault's part in a chaos run.</summary>
/// <param name="Boards">Boards it hit.</param>
/// <param name="Injections">Times it was injected on them.</param>
/// <param name="Named">Boards whose records name it (one of its codes, as a failure or a retry reason).</param>
/// <param name="Masked">Boards another of their faults failed first, so this one never showed.</param>
/// <param name="Passed">Boards it hit that still passed.</param>
public sealed record FaultFindings(FaultDiagnosis Diagnosis, int Boards, long Injections, int Named, int Masked, int Passed);

/// <summary>The figures of a chaos run and every broken promise found; the run is clean when <see cref="Problems"/> is empty.</summary>
public sealed record ChaosFindings
{
    public required int Boards { get; init; }

    public required int BoardsNotReached { get; init; }

    public required int Units { get; init; }

    public required int Attempts { get; init; }

    public required int Passed { get; init; }

    public required int Failed { get; init; }

    public required int Interrupted { get; init; }

    public required int FalsePasses { get; init; }

    public required int DistinctSerials { get; init; }

    /// <summary>Serials on two MACs, MACs with two serials, and ledger audit findings.</summary>
    public required int SerialProblems { get; init; }

    public required IReadOnlyList<FaultFindings> Faults { get; init; }

    public required int RecoverableBoards { get; init; }

    public required int RecoveredBoards { get; init; }

    public required IReadOnlyList<(string Code, int Units)> FailuresByCause { get; init; }

    public required IReadOnlyList<string> Problems { get; init; }

    public bool Clean => Problems.Count == 0;

    /// <summary>The figures as the command prints them (markdown tables).</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"Units: {Units} ({Attempts} attempts) — {Passed} PASS, {Failed} FAIL, {Interrupted} interrupted; boards served {Boards} ({BoardsNotReached} never reached)");
        text.AppendLine(c, $"False PASS: {FalsePasses} (every PASS unit's flash dump compared with the expected bytes of every region)");
        text.AppendLine(c, $"Serials: {DistinctSerials} distinct on PASS units, {(SerialProblems > 0 ? $"{SerialProblems} problems below" : "no duplicate")}");
        text.AppendLine(c, $"Recoverable faults: {RecoveredBoards} of {RecoverableBoards} boards PASS ({Share(RecoveredBoards, RecoverableBoards)}, need ≥ {ChaosAudit.RequiredRecovery:P0})");
        text.AppendLine();
        text.AppendLine("| fault | cure | boards hit | injections | named in records | PASS | named as |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---|");
        foreach (var f in Faults)
        {
            string named = f.Diagnosis.Trace == FaultTrace.None ? "(absorbed)" : $"{f.Named}/{f.Boards}{(f.Masked > 0 ? $" (+{f.Masked} masked)" : "")}";
            text.AppendLine(c, $"| {f.Diagnosis.Fault} | {(f.Diagnosis.Recovery == FaultRecovery.Recoverable ? "retry" : "none")} | {f.Boards} | {f.Injections} | {named} | {f.Passed}/{f.Boards} | {string.Join(" ", f.Diagnosis.Codes.Take(3))}{(f.Diagnosis.Codes.Count > 3 ? " …" : "")} |");
        }

        if (FailuresByCause.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| final cause | units |");
            text.AppendLine("|---|---:|");
            foreach (var (code, units) in FailuresByCause)
            {
                text.AppendLine(c, $"| {code} | {units} |");
            }
        }

        text.AppendLine();
        if (Clean)
        {
            text.AppendLine("Every check passed: no false PASS, every unit recorded, no duplicate serial, every fault named, recovery met.");
        }
        else
        {
            text.AppendLine(c, $"{Problems.Count} problem{(Problems.Count == 1 ? "" : "s")}:");
            foreach (string problem in Problems)
            {
                text.AppendLine(c, $"  - {problem}");
            }
        }

        return text.ToString();
    }

    private static string Share(int part, int whole) =>
        whole == 0 ? "-" : (100.0 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + " %";
}
