using System.Security.Cryptography;
using Station.Flashing.Write;
using Station.Traceability;
using Station.Traceability.Csv;
using Station.Traceability.Json;
using Station.Traceability.Ledger;

namespace Station.Cli.Chaos;

/// <summary>What a chaos audit checks a batch against: the bytes every unit had to get, and where its per-device data was recorded.</summary>
/// <param name="Regions">The profile's images as they must land in flash (header patched, padded).</param>
/// <param name="Ledger">The serial ledger, when the profile gives units their own data (NVS partition, serial).</param>
/// <param name="Product">The product whose serials the ledger holds.</param>
public sealed record ChaosExpectations(IReadOnlyList<PreparedRegion> Regions, ISerialLedger? Ledger, string? Product);

/// <summary>
/// Judges a simulated batch by the simulator's ground truth, not by the station's own view: every PASS unit's
/// flash dump against the expected bytes, every board against a record, every serial unique, every injected
/// fault against the cause the records name, and the share of recoverable boards that passed.
/// </summary>
public sealed class ChaosAudit
{
    /// <summary>The share of boards hit only by recoverable faults that must end PASS.</summary>
    public const double RequiredRecovery = 0.99;

    private readonly string _batchDirectory;
    private readonly ChaosExpectations _expected;
    private readonly List<string> _problems = [];

    private ChaosAudit(string batchDirectory, ChaosExpectations expected)
    {
        _batchDirectory = batchDirectory;
        _expected = expected;
    }

    public static Task<ChaosFindings> RunAsync(string batchDirectory, ChaosExpectations expected, CancellationToken cancellationToken) =>
        new ChaosAudit(batchDirectory, expected).RunAsync(cancellationToken);

    private async Task<ChaosFindings> RunAsync(CancellationToken cancellationToken)
    {
        var csv = await UnitCsvReader.ReadAsync(Path.Combine(_batchDirectory, UnitCsvFormat.FileName), cancellationToken).ConfigureAwait(false);
        if (csv.IgnoredTailBytes > 0)
        {
            _problems.Add($"units.csv ends in a torn row ({csv.IgnoredTailBytes} bytes)");
        }

        var units = await ReadUnitsAsync(csv.Rows, cancellationToken).ConfigureAwait(false);
        var boards = await BoardFaults.ReadAllAsync(Path.Combine(_batchDirectory, "sim-dumps"), cancellationToken).ConfigureAwait(false);
        var pairs = Pair(boards, units, out int untouched);

        int falsePasses = 0;
        foreach (var (board, unit) in pairs.Where(p => p.Unit.Final.Result == UnitResult.Pass))
        {
            falsePasses += await CheckFlashAsync(board, unit, cancellationToken).ConfigureAwait(false) ? 0 : 1;
        }

        int before = _problems.Count;
        var serials = await CheckSerialsAsync(units, cancellationToken).ConfigureAwait(false);
        int serialProblems = _problems.Count - before;
        var faults = CheckDiagnoses(pairs);
        var recoverable = pairs.Where(p => p.Board.Injected.Count > 0 && p.Board.Injected.Keys.All(k => FaultDiagnoses.For(k).Recovery == FaultRecovery.Recoverable)).ToList();
        int recovered = recoverable.Count(p => p.Unit.Final.Result == UnitResult.Pass);
        if (recoverable.Count > 0 && recovered < RequiredRecovery * recoverable.Count)
        {
            _problems.Add($"only {recovered} of {recoverable.Count} boards hit by recoverable faults passed ({Percent(recovered, recoverable.Count)}; at least {RequiredRecovery:P0} must)");
        }

        foreach (var (board, unit) in pairs.Where(p => p.Board.Injected.Count == 0 && p.Unit.Final.Result != UnitResult.Pass))
        {
            _problems.Add($"unit {unit.Number} (slot {board.Slot}, {board.Mac}) had no fault injected but ended {unit.Final.Result} with {unit.Final.ErrorCode}: {unit.Final.Cause}");
        }

        return new ChaosFindings
        {
            Boards = boards.Count,
            BoardsNotReached = untouched,
            Units = units.Count,
            Attempts = csv.Rows.Count,
            Passed = units.Count(u => u.Final.Result == UnitResult.Pass),
            Failed = units.Count(u => u.Final.Result == UnitResult.Fail),
            Interrupted = units.Count(u => u.Final.Result == UnitResult.Interrupted),
            FalsePasses = falsePasses,
            DistinctSerials = serials,
            SerialProblems = serialProblems,
            Faults = faults,
            RecoverableBoards = recoverable.Count,
            RecoveredBoards = recovered,
            FailuresByCause = units.Where(u => u.Final.Result != UnitResult.Pass)
                .GroupBy(u => u.Final.ErrorCode ?? "(none)", StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, g.Count())).ToList(),
            Problems = _problems,
        };
    }

    /// <summary>One unit of the job: its attempts in order, and every code its records name (failures and retries).</summary>
    private sealed record AuditedUnit(int Number, int Slot, IReadOnlyList<UnitCsvRow> Attempts, IReadOnlySet<string> Codes)
    {
        public UnitCsvRow Final => Attempts[^1];
    }

    private async Task<List<AuditedUnit>> ReadUnitsAsync(IReadOnlyList<UnitCsvRow> rows, CancellationToken cancellationToken)
    {
        var units = new List<AuditedUnit>();
        var histories = new Dictionary<string, UnitHistory?>(StringComparer.Ordinal);
        foreach (var group in rows.GroupBy(r => r.Unit).OrderBy(g => g.Key))
        {
            var attempts = group.OrderBy(r => r.Attempt).ThenBy(r => r.Ended).ToList();
            var codes = new HashSet<string>(attempts.Select(a => a.ErrorCode).OfType<string>(), StringComparer.Ordinal);
            foreach (string mac in attempts.Select(a => a.Mac).OfType<string>().Distinct(StringComparer.Ordinal))
            {
                if (!histories.TryGetValue(mac, out var history))
                {
                    history = await UnitHistoryFile.ReadAsync(UnitHistoryFile.PathFor(_batchDirectory, mac), cancellationToken).ConfigureAwait(false);
                    histories[mac] = history;
                    if (history is null)
                    {
                        _problems.Add($"unit {group.Key}: {mac} has rows in units.csv but no by-mac record");
                    }
                }

                var ids = attempts.Select(a => a.RecordId).ToHashSet(StringComparer.Ordinal);
                foreach (var record in history?.Attempts.Where(a => ids.Contains(a.RecordId)) ?? [])
                {
                    codes.UnionWith(record.Events.Select(e => e.Code).OfType<string>());
                }
            }

            if (attempts.Select(a => a.Slot).Distinct().Count() > 1)
            {
                _problems.Add($"unit {group.Key} has attempts in several slots");
            }

            units.Add(new AuditedUnit(group.Key, attempts[0].Slot, attempts, codes));
        }

        return units;
    }

    /// <summary>
    /// Boards and units meet slot by slot, in order: the simulator puts a new board in a slot after each unit.
    /// A slot may hold one last board that no unit reached (the job's count was met first).
    /// </summary>
    private List<(BoardFaults Board, AuditedUnit Unit)> Pair(IReadOnlyList<BoardFaults> boards, List<AuditedUnit> units, out int untouched)
    {
        var pairs = new List<(BoardFaults, AuditedUnit)>();
        untouched = 0;
        foreach (var slot in boards.Select(b => b.Slot).Union(units.Select(u => u.Slot)).Order())
        {
            var slotBoards = boards.Where(b => b.Slot == slot).ToList();
            var slotUnits = units.Where(u => u.Slot == slot).ToList();
            if (slotUnits.Count > slotBoards.Count)
            {
                _problems.Add($"slot {slot}: {slotUnits.Count} units recorded but the simulator served {slotBoards.Count} boards");
            }
            else if (slotBoards.Count > slotUnits.Count + 1)
            {
                _problems.Add($"slot {slot}: {slotBoards.Count - slotUnits.Count} boards have no record (units {slotUnits.Count}, boards {slotBoards.Count})");
            }

            untouched += Math.Max(0, slotBoards.Count - slotUnits.Count);
            foreach (var (board, unit) in slotBoards.Zip(slotUnits))
            {
                string? recordedMac = unit.Attempts.Select(a => a.Mac).OfType<string>().FirstOrDefault();
                if (recordedMac is not null && !string.Equals(recordedMac, board.Mac, StringComparison.OrdinalIgnoreCase))
                {
                    _problems.Add($"slot {slot}: unit {unit.Number} is recorded as {recordedMac}, but the board in the slot then was {board.Mac}");
                }

                pairs.Add((board, unit));
            }
        }

        return pairs;
    }

    /// <summary>True when the board's flash holds exactly what a PASS promises: every image, and its own NVS partition.</summary>
    private async Task<bool> CheckFlashAsync(BoardFaults board, AuditedUnit unit, CancellationToken cancellationToken)
    {
        string who = $"unit {unit.Number} ({board.Mac}) PASSED";
        if (!File.Exists(board.DumpPath))
        {
            _problems.Add($"{who} but the simulator left no flash dump at {board.DumpPath}");
            return false;
        }

        byte[] flash = await File.ReadAllBytesAsync(board.DumpPath, cancellationToken).ConfigureAwait(false);
        bool ok = true;
        foreach (var region in _expected.Regions)
        {
            if (region.End > flash.Length || !flash.AsSpan((int)region.Address, region.Data.Length).SequenceEqual(region.Data))
            {
                _problems.Add($"{who} but its flash at 0x{region.Address:X} does not hold '{region.Name}' (FALSE PASS)");
                ok = false;
            }
        }

        if (_expected.Ledger is { } ledger && _expected.Product is { } product)
        {
            var data = await ledger.FindDeviceDataAsync(product, board.Mac, cancellationToken).ConfigureAwait(false);
            if (data is null)
            {
                _problems.Add($"{who} but the ledger holds no per-device data for it (FALSE PASS)");
                return false;
            }

            long end = (long)data.NvsOffset + data.NvsSize;
            string actual = end > flash.Length ? "" : Convert.ToHexStringLower(SHA256.HashData(flash.AsSpan((int)data.NvsOffset, (int)data.NvsSize)));
            if (!string.Equals(actual, data.NvsSha256, StringComparison.OrdinalIgnoreCase))
            {
                _problems.Add($"{who} but its NVS partition at 0x{data.NvsOffset:X} is not the image the ledger recorded (FALSE PASS)");
                ok = false;
            }
        }

        return ok;
    }

    /// <summary>No serial on two MACs, no MAC with two serials; and, with a ledger, its own audit (no gap, no duplicate).</summary>
    private async Task<int> CheckSerialsAsync(List<AuditedUnit> units, CancellationToken cancellationToken)
    {
        var passed = units.Where(u => u.Final.Result == UnitResult.Pass && u.Final.Serial is not null).Select(u => u.Final).ToList();
        foreach (var clash in passed.GroupBy(r => r.Serial!, StringComparer.Ordinal).Where(g => g.Select(r => r.Mac).Distinct(StringComparer.Ordinal).Count() > 1))
        {
            _problems.Add($"serial {clash.Key} was given to {string.Join(" and ", clash.Select(r => r.Mac).Distinct(StringComparer.Ordinal))}");
        }

        foreach (var clash in passed.GroupBy(r => r.Mac ?? "", StringComparer.Ordinal).Where(g => g.Select(r => r.Serial).Distinct(StringComparer.Ordinal).Count() > 1))
        {
            _problems.Add($"{clash.Key} passed with several serials: {string.Join(", ", clash.Select(r => r.Serial).Distinct(StringComparer.Ordinal))}");
        }

        if (_expected.Ledger is { } ledger && _expected.Product is { } product)
        {
            var audit = await LedgerAudit.RunAsync(ledger, product, cancellationToken).ConfigureAwait(false);
            _problems.AddRange(audit.Problems.Select(p => $"ledger audit: {p}"));
        }

        return passed.Select(r => r.Serial).Distinct(StringComparer.Ordinal).Count();
    }

    /// <summary>Each injected fault against the causes the records name for the boards it hit.</summary>
    private List<FaultFindings> CheckDiagnoses(List<(BoardFaults Board, AuditedUnit Unit)> pairs)
    {
        foreach (var (board, unit) in pairs.Where(p => p.Unit.Final.Result != UnitResult.Pass && p.Board.Injected.Count > 0))
        {
            var explaining = board.Injected.Keys.SelectMany(k => FaultDiagnoses.For(k).Codes).ToHashSet(StringComparer.Ordinal);
            if (unit.Final.ErrorCode is not { } code || !explaining.Contains(code))
            {
                _problems.Add($"unit {unit.Number} ({board.Mac}, slot {board.Slot}) suffered {string.Join(", ", board.Injected.Keys)} but ended {unit.Final.Result} as {unit.Final.ErrorCode ?? "(no code)"}: {unit.Final.Cause}");
            }
        }

        var findings = new List<FaultFindings>();
        foreach (var diagnosis in FaultDiagnoses.All.Values)
        {
            var hit = pairs.Where(p => p.Board.Injected.ContainsKey(diagnosis.Fault)).ToList();
            if (hit.Count == 0)
            {
                continue;
            }

            var named = hit.Where(p => p.Unit.Codes.Overlaps(diagnosis.Codes)).ToList();

            // A board failed by another of its faults first (a chip that never reached download mode cannot show a dead TX line).
            var masked = hit.Except(named).Where(p => p.Unit.Final.Result != UnitResult.Pass && p.Board.Injected.Keys
                .Where(k => k != diagnosis.Fault).Any(k => FaultDiagnoses.For(k).Codes.Contains(p.Unit.Final.ErrorCode ?? ""))).ToList();
            var fault = new FaultFindings(diagnosis, hit.Count, hit.Sum(p => p.Board.Injected[diagnosis.Fault]), named.Count, masked.Count,
                hit.Count(p => p.Unit.Final.Result == UnitResult.Pass));
            findings.Add(fault);
            switch (diagnosis.Trace)
            {
                case FaultTrace.EveryBoard when named.Count + masked.Count < hit.Count:
                    var unnamed = hit.Except(named).Except(masked).Select(p => $"unit {p.Unit.Number} ({p.Board.Mac})").ToList();
                    _problems.Add($"{diagnosis.Fault} hit {hit.Count} boards but {unnamed.Count} records never name it ({string.Join(", ", diagnosis.Codes)}): {string.Join(", ", unnamed.Take(5))}");
                    break;
                case FaultTrace.SomeBoard when named.Count == 0:
                    _problems.Add($"{diagnosis.Fault} hit {hit.Count} boards but no record names it ({string.Join(", ", diagnosis.Codes)})");
                    break;
            }

            if (diagnosis.Recovery == FaultRecovery.Fatal)
            {
                foreach (var (board, unit) in hit.Where(p => p.Unit.Final.Result == UnitResult.Pass))
                {
                    _problems.Add($"{diagnosis.Fault} cannot be cured, yet unit {unit.Number} ({board.Mac}) PASSED");
                }
            }
        }

        return findings;
    }

    private static string Percent(int part, int whole) => whole == 0 ? "-" : (100.0 * part / whole).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " %";
}
