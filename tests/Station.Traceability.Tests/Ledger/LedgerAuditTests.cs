using Station.Traceability.Ledger;

namespace Station.Traceability.Tests.Ledger;

public class LedgerAuditTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 4, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Check_ContiguousDistinct_IsClean()
    {
        var report = LedgerAudit.Check("P", [Entry(1, "SN-1", Mac(1)), Entry(2, "SN-2", Mac(2), outcome: false)]);

        Assert.True(report.IsClean);
        Assert.Equal(2, report.Count);
        Assert.Equal([2L], report.WithoutOutcome.Select(e => e.Seq));
    }

    [Fact]
    public void Check_Gaps_AreNamed()
    {
        var report = LedgerAudit.Check("P", [Entry(2, "SN-2", Mac(2)), Entry(5, "SN-5", Mac(5))]);

        Assert.Equal(["Sequence number 1 is missing.", "Sequence numbers 3 to 4 are missing."], report.Problems);
    }

    [Fact]
    public void Check_Duplicates_AreNamed()
    {
        var report = LedgerAudit.Check("P", [Entry(1, "SN-1", Mac(1)), Entry(1, "SN-1", Mac(1)), Entry(2, "SN-2", "24:0a:c4:00:00:09")]);

        Assert.Contains("Sequence number 1 appears 2 times.", report.Problems);
        Assert.Contains("Serial SN-1 appears 2 times.", report.Problems);
        Assert.Contains($"MAC {Mac(1)} appears 2 times.", report.Problems);
        Assert.Contains(report.Problems, p => p.Contains("not a MAC in upper-case colon form", StringComparison.Ordinal));
    }

    [Fact]
    public void CheckMasterRows_RowTwiceOrPastTheEnd_AreNamed()
    {
        var problems = LedgerAudit.CheckMasterRows("S", 2, [Claim(1, Mac(1)), Claim(1, Mac(2)), Claim(3, Mac(3))]);

        Assert.Equal(["Row 3 went to 24:0A:C4:00:00:03, but the source has rows 1 to 2.", "Row 1 appears 2 times."], problems);
    }

    private static string Mac(int n) => $"24:0A:C4:00:00:{n:X2}";

    private static LedgerEntry Entry(long seq, string serial, string mac, bool outcome = true) =>
        new("P", seq, serial, mac, "SN-{seq}", "ST-01", "B1", T0, outcome ? new LatestOutcome(UnitResult.Pass, "R", "ST-01", T0) : null);

    private static MasterRowClaim Claim(int row, string mac) => new("S", row, mac, "ST-01", T0, false);
}
