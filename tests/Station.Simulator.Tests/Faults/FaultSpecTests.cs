using Station.Simulator.Faults;

namespace Station.Simulator.Tests.Faults;

public sealed class FaultSpecTests
{
    [Fact]
    public void Parse_IssueExample_ReadsEveryClause()
    {
        var spec = FaultSpec.Parse("corrupt=1e-5;ram-corrupt=0.002;no-download-once=0.05;d3:dead-tx=1;unplug=0.02/1.5s;slow-erase=3");

        Assert.Equal(
            [
                (null, FaultKind.Corrupt, 1e-5, null),
                (null, FaultKind.RamCorrupt, 0.002, null),
                (null, FaultKind.NoDownloadOnce, 0.05, null),
                (3, FaultKind.DeadTx, 1, null),
                (null, FaultKind.Unplug, 0.02, TimeSpan.FromSeconds(1.5)),
                ((int?)null, FaultKind.SlowErase, 3.0, (TimeSpan?)null),
            ],
            spec.Clauses.Select(c => (c.Slot, c.Kind, c.Value, c.Duration)));
        Assert.Equal("corrupt=1e-05;ram-corrupt=0.002;no-download-once=0.05;d3:dead-tx=1;unplug=0.02/1.5s;slow-erase=3", spec.ToString());
    }

    [Fact]
    public void Parse_DefaultsAndBlanks_ProbabilityOneDefaultDurationsBlankClausesIgnored()
    {
        var spec = FaultSpec.Parse(" d2:dead-tx ; ;busy=0.5; unplug=1 ;busy=1/1500ms;");

        Assert.Equal(4, spec.Clauses.Count);
        Assert.Equal((2, 1.0), (spec.Clauses[0].Slot!.Value, spec.Clauses[0].Value));
        Assert.Equal(TimeSpan.FromSeconds(5), spec.Clauses[1].Duration);
        Assert.Equal(TimeSpan.FromSeconds(2), spec.Clauses[2].Duration);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), spec.Clauses[3].Duration);
        Assert.True(FaultSpec.Parse("  ").IsEmpty);
    }

    [Theory]
    [InlineData("corrupt=1e-5;bogus=1", "fault clause 2 'bogus=1': 'bogus' is not a fault; known faults: corrupt, ram-corrupt")]
    [InlineData("corrupt", "fault clause 1 'corrupt': corrupt needs a rate per byte, e.g. corrupt=1e-5")]
    [InlineData("drop=1.5", "fault clause 1 'drop=1.5': rate 1.5 is outside 0..1")]
    [InlineData("flood=-0.1", "fault clause 1 'flood=-0.1': probability -0.1 is outside 0..1")]
    [InlineData("brownout=often", "fault clause 1 'brownout=often': 'often' is not a number")]
    [InlineData("corrupt=NaN", "'NaN' is not a number")]
    [InlineData("ceiling=fast", "fault clause 1 'ceiling=fast': 'fast' is not a baud rate")]
    [InlineData("ceiling=460800.5", "'460800.5' is not a baud rate")]
    [InlineData("slow-erase=0.5", "fault clause 1 'slow-erase=0.5': factor 0.5 is outside 1..1000")]
    [InlineData("unplug=0.1/soon", "fault clause 1 'unplug=0.1/soon': 'soon' is not a duration; write 2, 1.5s or 1500ms")]
    [InlineData("busy=1/0s", "busy duration 0s is outside 0..1 h")]
    [InlineData("corrupt=0.1/2s", "fault clause 1 'corrupt=0.1/2s': corrupt takes no /DURATION")]
    [InlineData("x3:dead-tx", "fault clause 1 'x3:dead-tx': 'x3:' is not a slot restriction; write dN:")]
    [InlineData("d0:dead-tx", "fault clause 1 'd0:dead-tx': slot '0' is not 1 or more")]
    public void Parse_BadClause_MessageNamesTheClauseAndTheProblem(string text, string expected)
    {
        var error = Assert.Throws<FaultSpecException>(() => FaultSpec.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckSlots_ClauseForASlotTheFleetLacks_NamesIt()
    {
        var spec = FaultSpec.Parse("corrupt=1e-5;d5:dead-tx");

        var error = Assert.Throws<ArgumentException>(() => spec.CheckSlots(4));

        Assert.Equal("fault clause 2 'd5:dead-tx' names slot 5, but the fleet has 4 slots (d1..d4).", error.Message);
    }

    [Fact]
    public void Deal_SameBoardKey_SameFaults()
    {
        var spec = FaultSpec.Parse("brownout=0.5;bitflip=0.5;flood=0.5;unplug=0.5/1s;busy=0.5");

        var first = Enumerable.Range(0, 50).Select(serial => FaultPlan.Deal(spec, new BoardKey(7, 1, serial), TimeProvider.System).Dealt).ToList();
        var again = Enumerable.Range(0, 50).Select(serial => FaultPlan.Deal(spec, new BoardKey(7, 1, serial), TimeProvider.System).Dealt).ToList();
        var otherSeed = Enumerable.Range(0, 50).Select(serial => FaultPlan.Deal(spec, new BoardKey(8, 1, serial), TimeProvider.System).Dealt).ToList();

        Assert.Equal(first, again);
        Assert.NotEqual(first, otherSeed);
    }

    [Fact]
    public void Deal_Probability_IsPerBoard()
    {
        var spec = FaultSpec.Parse("brownout=0.25");

        int hit = Enumerable.Range(0, 2000).Count(serial => FaultPlan.Deal(spec, new BoardKey(3, 0, serial), TimeProvider.System).Dealt!.BrownoutAt is not null);

        Assert.InRange(hit, 420, 580);
    }

    [Fact]
    public void Deal_PointsInTheFirstWrite_StayInTheMiddleNinetyPercent()
    {
        var spec = FaultSpec.Parse("brownout;unplug;program-error;bitflip");

        var points = Enumerable.Range(0, 500)
            .Select(serial => FaultPlan.Deal(spec, new BoardKey(3, 0, serial), TimeProvider.System).Dealt!)
            .SelectMany(d => new[] { d.BrownoutAt, d.UnplugAt, d.ProgramErrorAt, d.BitflipAt })
            .ToList();

        Assert.All(points, p => Assert.InRange(p!.Value, 0.05, 0.95));
    }

    [Fact]
    public void Deal_SlotRestriction_OnlyBoardsInThatSlot()
    {
        var spec = FaultSpec.Parse("d2:dead-tx");

        Assert.False(FaultPlan.Deal(spec, new BoardKey(1, 0, 0), TimeProvider.System).Dealt!.DeadTx);
        Assert.True(FaultPlan.Deal(spec, new BoardKey(1, 1, 1), TimeProvider.System).Dealt!.DeadTx);
        Assert.True(FaultPlan.Deal(spec, new BoardKey(1, 1, 9), TimeProvider.System).Dealt!.DeadTx);
    }

    [Fact]
    public void Deal_SameFaultTwice_TheLastClauseThatAppliesWins()
    {
        var spec = FaultSpec.Parse("corrupt=1e-5;d2:corrupt=1e-3;slow-erase=2;d1:slow-erase=4");

        var slot1 = FaultPlan.Deal(spec, new BoardKey(1, 0, 0), TimeProvider.System).Dealt!;
        var slot2 = FaultPlan.Deal(spec, new BoardKey(1, 1, 1), TimeProvider.System).Dealt!;

        Assert.Equal((1e-5, 4.0), (slot1.CorruptRate, slot1.SlowEraseFactor));
        Assert.Equal((1e-3, 2.0), (slot2.CorruptRate, slot2.SlowEraseFactor));
    }

    [Fact]
    public void Deal_ClauseForAnotherFaultAdded_EachBoardKeepsWhatItDrew()
    {
        var before = FaultSpec.Parse("brownout=0.3");
        var after = FaultSpec.Parse("dead-tx=0.5;brownout=0.3;flood=0.2");

        var drawnBefore = Enumerable.Range(0, 100).Select(s => FaultPlan.Deal(before, new BoardKey(5, 0, s), TimeProvider.System).Dealt!.BrownoutAt);
        var drawnAfter = Enumerable.Range(0, 100).Select(s => FaultPlan.Deal(after, new BoardKey(5, 0, s), TimeProvider.System).Dealt!.BrownoutAt);

        Assert.Equal(drawnBefore, drawnAfter);
    }

    [Fact]
    public void Deal_BothVariants_PersistentWins()
    {
        var dealt = FaultPlan.Deal(FaultSpec.Parse("program-error;program-error-persistent;bitflip;bitflip-persistent"), new BoardKey(1, 0, 0), TimeProvider.System).Dealt!;

        Assert.True(dealt.ProgramErrorPersistent);
        Assert.True(dealt.BitflipPersistent);
    }

    [Fact]
    public void Deal_EmptySpec_NoPlanAndNoLog()
    {
        Assert.Same(FaultPlan.None, FaultPlan.Deal(FaultSpec.Empty, new BoardKey(1, 0, 0), TimeProvider.System));
        Assert.Same(FaultPlan.None, FaultPlan.Deal(null, new BoardKey(1, 0, 0), TimeProvider.System));
    }

    [Fact]
    public void Deal_SpecThatMissesTheBoard_PlanWithAnEmptyLog()
    {
        var plan = FaultPlan.Deal(FaultSpec.Parse("d2:dead-tx"), new BoardKey(1, 0, 0), TimeProvider.System);

        Assert.NotNull(plan.Log);
        Assert.Empty(plan.Dealt!.Describe());
        Assert.Empty(plan.Log.Entries);
    }
}
