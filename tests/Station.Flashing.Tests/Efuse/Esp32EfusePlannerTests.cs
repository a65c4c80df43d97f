using Station.Flashing.Efuse;
using Station.Flashing.Errors;
using Station.Protocol.Chips;

namespace Station.Flashing.Tests.Efuse;

public sealed class Esp32EfusePlannerTests
{
    private static readonly MacAddress DocumentedMac = MacAddress.Parse("48:63:92:15:72:16");

    [Fact]
    public void CustomMac_EmptyBlock_StagesTheDocumentedWords()
    {
        var plan = Esp32EfusePlanner.Plan(State(), new CustomMacRequest(DocumentedMac));

        // esptool docs burn-custom-mac-cmd.rst: CRC 0x75, RDATA0/1/5 as below.
        Assert.Equal(Words(0x92634875, 0x00167215, 0, 0, 0, 0x01000000, 0, 0), plan.Wdata);
        Assert.Equal(plan.Wdata, plan.Burn);
        Assert.Equal(plan.Wdata, plan.ExpectedAfter);
        Assert.False(plan.NothingToBurn);
    }

    [Fact]
    public void CustomMac_AlreadyBurned_NothingToBurn()
    {
        var plan = Esp32EfusePlanner.Plan(State(block3: Words(0x92634875, 0x00167215, 0, 0, 0, 0x01000000, 0, 0)), new CustomMacRequest(DocumentedMac));

        Assert.True(plan.NothingToBurn);
        Assert.True(plan.Wdata.IsZero);
    }

    [Fact]
    public void CustomMac_PartlyBurned_BurnsOnlyTheMissingBits()
    {
        var plan = Esp32EfusePlanner.Plan(State(block3: Words(0x92634800, 0x00000015, 0, 0, 0, 0, 0, 0)), new CustomMacRequest(DocumentedMac));

        Assert.Equal(Words(0x00000075, 0x00167200, 0, 0, 0, 0x01000000, 0, 0), plan.Wdata);
    }

    [Fact]
    public void CustomMac_DifferentMacBurned_ConflictNamesTheFields()
    {
        var state = State(block3: Words(0x92634875, 0x00167215, 0, 0, 0, 0x01000000, 0, 0));

        var e = Assert.Throws<FlashException>(() => Esp32EfusePlanner.Plan(state, new CustomMacRequest(MacAddress.Parse("48:63:92:15:72:20"))));

        Assert.Equal(ErrorCodes.EfuseConflict, e.Error.Code);
        Assert.True(e.Error.Permanent);
        Assert.Contains("CUSTOM_MAC_CRC, CUSTOM_MAC", e.Error.Cause, StringComparison.Ordinal);
        Assert.Equal("0x92634875 0x00167215 0x00000000 0x00000000 0x00000000 0x01000000 0x00000000 0x00000000", e.Error.Details["efuse_block3_before"]);
    }

    [Fact]
    public void CustomMac_MacVersionIsAnotherValue_Conflict()
    {
        var e = Assert.Throws<FlashException>(() => Esp32EfusePlanner.Plan(State(block3: Words(0, 0, 0, 0, 0, 0x02000000, 0, 0)), new CustomMacRequest(DocumentedMac)));

        Assert.Equal(ErrorCodes.EfuseConflict, e.Error.Code);
        Assert.Contains("MAC_VERSION (byte 23) is 0x02", e.Error.Cause, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("49:63:92:15:72:16")]
    [InlineData("00:00:00:00:00:00")]
    public void CustomMac_MulticastOrZero_Invalid(string mac)
    {
        var e = Assert.Throws<FlashException>(() => Esp32EfusePlanner.Plan(State(), new CustomMacRequest(MacAddress.Parse(mac))));

        Assert.Equal(ErrorCodes.EfuseRequestInvalid, e.Error.Code);
    }

    [Fact]
    public void UserData_FreeBytes_StagedAtTheirOffset()
    {
        var plan = Esp32EfusePlanner.Plan(State(), new UserDataRequest(8, new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }));

        Assert.Equal(Words(0, 0, 0xEFBEADDE, 0, 0, 0, 0, 0), plan.Wdata);
    }

    [Fact]
    public void UserData_OverlappingIdfFields_NamesThem()
    {
        var e = Assert.Throws<FlashException>(() => Esp32EfusePlanner.Plan(State(), new UserDataRequest(4, new byte[20])));

        Assert.Equal(ErrorCodes.EfuseRequestInvalid, e.Error.Code);
        Assert.Contains("CUSTOM_MAC (bytes 1–6)", e.Error.Cause, StringComparison.Ordinal);
        Assert.Contains("ADC1/ADC2 two-point calibration (bytes 12–15)", e.Error.Cause, StringComparison.Ordinal);
        Assert.Contains("SECURE_VERSION (bytes 16–19)", e.Error.Cause, StringComparison.Ordinal);
        Assert.Contains("MAC_VERSION (byte 23)", e.Error.Cause, StringComparison.Ordinal);
        Assert.DoesNotContain("CUSTOM_MAC_CRC", e.Error.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void UserData_WholeBlockWhenAllowed_IsPlanned()
    {
        byte[] data = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

        var plan = Esp32EfusePlanner.Plan(State(), new UserDataRequest(0, data) { AllowFieldOverlap = true });

        Assert.Equal(data, plan.Wdata.ToBytes());
    }

    [Theory]
    [InlineData(30, 4)]
    [InlineData(-1, 2)]
    [InlineData(8, 0)]
    public void UserData_OutsideTheBlockOrEmpty_Invalid(int offset, int length)
    {
        var e = Assert.Throws<FlashException>(() => Esp32EfusePlanner.Plan(State(), new UserDataRequest(offset, new byte[length])));

        Assert.Equal(ErrorCodes.EfuseRequestInvalid, e.Error.Code);
    }

    [Fact]
    public void UserData_BitsAlreadySetThatTheValueLacks_Conflict()
    {
        var e = Assert.Throws<FlashException>(() => Esp32EfusePlanner.Plan(State(block3: Words(0, 0, 0x00000100, 0, 0, 0, 0, 0)), new UserDataRequest(8, new byte[] { 0x01, 0x02 })));

        Assert.Equal(ErrorCodes.EfuseConflict, e.Error.Code);
        Assert.Contains("byte 9", e.Error.Cause, StringComparison.Ordinal);
        Assert.Contains("holds bytes 8–9 = 0001, wanted bytes 8–9 = 0102", e.Error.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteProtected_WhenABurnIsNeeded_Refused()
    {
        var e = Assert.Throws<FlashException>(() => Esp32EfusePlanner.Plan(State(word0: 1u << 9), new CustomMacRequest(DocumentedMac)));

        Assert.Equal(ErrorCodes.EfuseProtected, e.Error.Code);
        Assert.Contains("WR_DIS bit 9", e.Error.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteProtected_ValueAlreadyThere_NothingToBurn()
    {
        var plan = Esp32EfusePlanner.Plan(State(word0: 1u << 9, block3: Words(0, 0, 0xEFBEADDE, 0, 0, 0, 0, 0)), new UserDataRequest(8, new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }));

        Assert.True(plan.NothingToBurn);
    }

    [Theory]
    [InlineData(1u << 18, "RD_DIS bit 2")]
    [InlineData(1u << 19, "RD_DIS bit 3")]
    public void ReadProtected_Refused(uint word0, string named)
    {
        var e = Assert.Throws<FlashException>(() => Esp32EfusePlanner.Plan(State(word0: word0), new CustomMacRequest(DocumentedMac)));

        Assert.Equal(ErrorCodes.EfuseProtected, e.Error.Code);
        Assert.Contains(named, e.Error.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void ThreeQuarters_EmptyBlock_EncodesTheChangedUnits()
    {
        var plan = Esp32EfusePlanner.Plan(State(word6: 1), new CustomMacRequest(DocumentedMac));

        // Units 0, 1 and 3 change (§1.6); each is followed by XOR and Σ i·popcount (computed by hand).
        Assert.Equal(Words(0x92634875, 0x48AB7215, 0x00000016, 0x03160000, 0, 0, 0, 0x06010100), plan.Wdata);
        Assert.Equal(Words(0x92634875, 0x00167215, 0, 0, 0, 0x01000000, 0, 0), plan.ExpectedAfter);
        Assert.Equal(6, plan.DataWords);
    }

    [Fact]
    public void ThreeQuarters_UnitAlreadyWritten_Conflict()
    {
        // SECURE_VERSION byte 18 lives in unit 3 with MAC_VERSION.
        var e = Assert.Throws<FlashException>(() => Esp32EfusePlanner.Plan(State(word6: 1, block3: Words(0, 0, 0, 0, 0x00040000, 0, 0, 0)), new CustomMacRequest(DocumentedMac)));

        Assert.Equal(ErrorCodes.EfuseConflict, e.Error.Code);
        Assert.Contains("unit 3 (bytes 18–23", e.Error.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void ThreeQuarters_BytesBeyond24_Invalid()
    {
        var e = Assert.Throws<FlashException>(() => Esp32EfusePlanner.Plan(State(word6: 1), new UserDataRequest(24, new byte[] { 1 })));

        Assert.Equal(ErrorCodes.EfuseRequestInvalid, e.Error.Code);
        Assert.Contains("24 usable bytes under 3/4 coding", e.Error.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void RepeatCoding_Unsupported()
    {
        var e = Assert.Throws<FlashException>(() => Esp32EfusePlanner.Plan(State(word6: 2), new CustomMacRequest(DocumentedMac)));

        Assert.Equal(ErrorCodes.EfuseUnsupportedChip, e.Error.Code);
    }

    [Fact]
    public void Layout_FreeBytes_OverlapNothing()
    {
        Assert.Empty(Esp32Block3Layout.FieldsOverlapping(7, 5));
        Assert.Empty(Esp32Block3Layout.FieldsOverlapping(20, 3));
        Assert.Empty(Esp32Block3Layout.FieldsOverlapping(24, 8));
        Assert.Equal(["CUSTOM_MAC", "MAC_VERSION"], Esp32Block3Layout.FieldsOverlapping(6, 18).Select(f => f.Name).Where(n => n.Contains("MAC", StringComparison.Ordinal)));
    }

    private static Esp32EfuseState State(uint word0 = 0, uint word6 = 0, EfuseWords? block3 = null) =>
        new(word0, word6, block3 ?? Words(0, 0, 0, 0, 0, 0, 0, 0));

    private static EfuseWords Words(params uint[] words) => new(words);
}
