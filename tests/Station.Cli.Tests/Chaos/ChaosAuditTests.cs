using System.Security.Cryptography;
using System.Text.Json;
using Station.Cli.Chaos;
using Station.Cli.Tests.Support;
using Station.Flashing.Write;
using Station.Traceability;

namespace Station.Cli.Tests.Chaos;

/// <summary>
/// The chaos audit judged on hand-made batches: each test breaks exactly one promise (a false PASS, a board
/// without a record, a fault the records never name, an unexplained failure, too few recoveries) and the
/// audit must name it; a batch that keeps every promise is clean.
/// </summary>
public sealed class ChaosAuditTests : IAsyncDisposable
{
    private const string Batch = "chaos-test";
    private static readonly byte[] App = [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7))];
    private readonly string _reports = Repository.TempDirectory();
    private BatchRecordWriter? _writer;
    private int _boards;
    private int _unit;

    private string BatchDirectory => Path.Combine(_reports, Batch);

    private static PreparedRegion AppRegion => new()
    {
        Index = 0,
        Address = 0x10000,
        Name = "app",
        Data = App,
        Md5 = Convert.ToHexStringLower(MD5.HashData(App)),
        SourceSha256 = Convert.ToHexStringLower(SHA256.HashData(App)),
        Compressed = null,
    };

    [Fact]
    public async Task Run_EveryPromiseKept_IsCleanWithItsFigures()
    {
        await BoardAsync(slot: 1, faults: new() { ["brownout"] = 1 }, UnitResult.Pass, events: [("retry.region", "E-BROWNOUT")]);
        await BoardAsync(slot: 1, faults: [], UnitResult.Pass);
        await BoardAsync(slot: 2, faults: new() { ["dead-tx"] = 1 }, UnitResult.Fail, code: "E-CONNECT-NO-SYNC-REPLY");

        var findings = await AuditAsync();

        Assert.True(findings.Clean, string.Join("\n", findings.Problems));
        Assert.Equal((3, 2, 1, 0), (findings.Units, findings.Passed, findings.Failed, findings.FalsePasses));
        Assert.Equal((1, 1), (findings.RecoverableBoards, findings.RecoveredBoards));
        var brownout = Assert.Single(findings.Faults, f => f.Diagnosis.Fault == "brownout");
        Assert.Equal((1, 1, 1), (brownout.Boards, brownout.Named, brownout.Passed));
        Assert.Contains("| dead-tx | none | 1 | 1 | 1/1 | 0/1 |", findings.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PassWhoseFlashDoesNotHoldTheImage_IsAFalsePass()
    {
        await BoardAsync(slot: 1, faults: [], UnitResult.Pass, flashHoldsImage: false);

        var findings = await AuditAsync();

        Assert.Equal(1, findings.FalsePasses);
        Assert.Contains(findings.Problems, p => p.Contains("does not hold 'app' (FALSE PASS)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_BoardsWithoutRecords_AreNamed()
    {
        await BoardAsync(slot: 1, faults: [], UnitResult.Pass);
        await BoardAsync(slot: 1, faults: [], result: null);
        await BoardAsync(slot: 1, faults: [], result: null);

        var findings = await AuditAsync();

        Assert.Contains("slot 1: 2 boards have no record (units 1, boards 3)", findings.Problems);
    }

    [Fact]
    public async Task Run_OneLastBoardNoUnitReached_IsNotAProblem()
    {
        await BoardAsync(slot: 1, faults: [], UnitResult.Pass);
        await BoardAsync(slot: 1, faults: [], result: null);

        var findings = await AuditAsync();

        Assert.True(findings.Clean, string.Join("\n", findings.Problems));
        Assert.Equal(1, findings.BoardsNotReached);
    }

    [Fact]
    public async Task Run_FaultTheRecordsNeverName_IsAProblem()
    {
        await BoardAsync(slot: 1, faults: new() { ["unplug"] = 1 }, UnitResult.Pass, events: [("retry.region", "E-TIMEOUT")]);

        var findings = await AuditAsync();

        Assert.Contains(findings.Problems, p => p.StartsWith("unplug hit 1 boards but 1 records never name it (E-PORT-GONE)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_FailureNamedAsTheWrongCause_IsAProblem()
    {
        await BoardAsync(slot: 1, faults: new() { ["no-download"] = 3 }, UnitResult.Fail, code: "E-CONNECT-NO-DATA");

        var findings = await AuditAsync();

        Assert.Contains(findings.Problems, p => p.Contains("suffered no-download but ended Fail as E-CONNECT-NO-DATA", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_FailureWithNoFaultInjected_IsUnexplained()
    {
        await BoardAsync(slot: 1, faults: [], UnitResult.Fail, code: "E-TIMEOUT");

        var findings = await AuditAsync();

        Assert.Contains(findings.Problems, p => p.Contains("had no fault injected but ended Fail with E-TIMEOUT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_FatalFaultHiddenBehindAnother_IsMaskedNotUnnamed()
    {
        // A chip that never enters download mode cannot show that its TX line is dead too.
        await BoardAsync(slot: 1, faults: new() { ["no-download"] = 2, ["dead-tx"] = 1 }, UnitResult.Fail, code: "E-CONNECT-WRONG-BOOT-MODE");

        var findings = await AuditAsync();

        Assert.True(findings.Clean, string.Join("\n", findings.Problems));
        Assert.Equal(1, Assert.Single(findings.Faults, f => f.Diagnosis.Fault == "dead-tx").Masked);
    }

    [Fact]
    public async Task Run_TooFewRecoverableBoardsPass_IsAProblem()
    {
        await BoardAsync(slot: 1, faults: new() { ["bitflip"] = 1 }, UnitResult.Pass, events: [("retry.region", "E-VERIFY-MD5-MISMATCH")]);
        await BoardAsync(slot: 1, faults: new() { ["bitflip"] = 1 }, UnitResult.Fail, code: "E-VERIFY-MD5-MISMATCH");

        var findings = await AuditAsync();

        Assert.Contains("only 1 of 2 boards hit by recoverable faults passed (50.0 %; at least 99 % must)", findings.Problems);
    }

    [Fact]
    public async Task Run_RecordOfAnotherBoardInTheSlot_IsOutOfStep()
    {
        await BoardAsync(slot: 1, faults: [], UnitResult.Pass, recordedMac: "24:0A:C4:99:99:99");

        var findings = await AuditAsync();

        Assert.Contains(findings.Problems, p => p.Contains("is recorded as 24:0A:C4:99:99:99, but the board in the slot then was", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }
    }

    private async Task<ChaosFindings> AuditAsync()
    {
        await _writer!.DisposeAsync();
        _writer = null;
        return await ChaosAudit.RunAsync(BatchDirectory, new ChaosExpectations([AppRegion], Ledger: null, Product: null), CancellationToken.None);
    }

    /// <summary>One board the simulator served (its fault record and flash dump) and, unless <paramref name="result"/> is null, the unit the station recorded for it.</summary>
    private async Task BoardAsync(
        int slot, Dictionary<string, long> faults, UnitResult? result, string? code = null, (string Kind, string Code)[]? events = null,
        bool flashHoldsImage = true, string? recordedMac = null)
    {
        _writer ??= await BatchRecordWriter.OpenAsync(_reports, Batch, CancellationToken.None);
        string mac = $"24:0A:C4:00:00:{++_boards:X2}";
        string dumps = Path.Combine(BatchDirectory, "sim-dumps");
        Directory.CreateDirectory(dumps);
        string stem = Path.Combine(dumps, mac.Replace(':', '-'));
        byte[] flash = new byte[0x20000];
        Array.Fill(flash, (byte)0xFF);
        if (flashHoldsImage)
        {
            App.CopyTo(flash, 0x10000);
        }

        await File.WriteAllBytesAsync(stem + ".bin", flash);
        await File.WriteAllTextAsync(stem + BoardFaults.Suffix, JsonSerializer.Serialize(new { mac, slot, serial = _boards, seed = 1, spec = "", dealt = Array.Empty<string>(), counts = faults, injected = Array.Empty<object>() }));
        if (result is not { } verdict)
        {
            return;
        }

        var now = DateTimeOffset.UnixEpoch.AddHours(_boards);
        await _writer.WriteAsync(new UnitRecord
        {
            RecordId = Guid.NewGuid().ToString("N"),
            Batch = Batch,
            StationId = "t",
            Operator = "t",
            Slot = slot,
            Port = $"socket://127.0.0.1:{4000 + slot}",
            UnitNumber = ++_unit,
            Attempt = 1,
            Started = now,
            Ended = now.AddSeconds(3),
            Mac = recordedMac ?? mac,
            ProfileName = "p",
            ProfileVersion = "1",
            ProfileSha256 = new string('0', 64),
            Regions = [new RegionRecord("app", 0x10000, App.Length, AppRegion.SourceSha256, AppRegion.Md5, AppRegion.Md5, true, verdict == UnitResult.Pass)],
            Result = verdict,
            ErrorCode = code,
            Cause = code is null ? null : "cause",
            StepSeconds = new Dictionary<string, double>(),
            Events = [.. (events ?? []).Select(e => new RecordedEvent(now, e.Kind, "text", e.Code))],
        }, CancellationToken.None);
    }
}
