using Station.Flashing.Errors;

namespace Station.Flashing.Efuse;

/// <summary>
/// Decides a BLOCK3 burn from what the chip holds, by the reference's practical rule (§1.9), per byte
/// the request sets: equal → nothing to burn; the chip has a bit the wanted value lacks → conflict
/// (fuses cannot be cleared); otherwise burn the missing bits. Under 3/4 coding a 6-byte unit can be
/// written only once, so a unit that must change has to be empty (§1.4). Pure: no I/O.
/// </summary>
public static class Esp32EfusePlanner
{
    private const string Block3 = "BLOCK3";

    public static EfusePlan Plan(Esp32EfuseState state, EfuseRequest request)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(request);
        if (state.Block3ReadProtected)
        {
            throw Refused(FlashErrors.EfuseProtected(Block3,
                "it is read-protected (RD_DIS bit 2): it reads back as zeros, so what it holds cannot be checked"), state);
        }

        if (state.CodingSchemeReadProtected)
        {
            throw Refused(FlashErrors.EfuseProtected(Block3,
                "BLOCK0's CODING_SCHEME is read-protected (RD_DIS bit 3), so how BLOCK3 is coded cannot be known"), state);
        }

        var coding = state.CodingScheme;
        if (coding == EfuseCodingScheme.Repeat)
        {
            throw Refused(FlashErrors.EfuseUnsupportedChip("this ESP32",
                "its eFuses use the Repeat coding scheme (CODING_SCHEME = 2), which espefuse does not burn either"), state);
        }

        request.Validate(coding);
        Block3Patch patch = request.ToPatch();
        byte[] before = state.Block3.ToBytes();
        if (request is CustomMacRequest && before[Esp32Block3Layout.MacVersionByte] is not (0 or Esp32Block3Layout.MacVersionCustom) and var version)
        {
            throw Refused(FlashErrors.EfuseConflict(Block3,
                $"MAC_VERSION (byte 23) is 0x{version:X2}, not 1: the block is used for something other than a custom MAC"), state, patch);
        }

        var conflicts = patch.Covered.Where(i => (before[i] & ~patch[i]) != 0).ToList();
        if (conflicts.Count > 0)
        {
            throw Refused(FlashErrors.EfuseConflict(Block3,
                $"{Esp32Block3Layout.Describe(conflicts)}: holds {patch.Describe(before)}, wanted {patch.DescribeWanted()}"), state, patch);
        }

        byte[] burn = new byte[before.Length];
        byte[] after = (byte[])before.Clone();
        foreach (int i in patch.Covered)
        {
            burn[i] = (byte)(patch[i] & ~before[i]);
            after[i] |= burn[i];
        }

        var plan = new EfusePlan
        {
            CodingScheme = coding,
            Before = state.Block3,
            Burn = EfuseWords.FromBytes(burn),
            Wdata = EfuseWords.FromBytes(new byte[before.Length]),
            ExpectedAfter = EfuseWords.FromBytes(after),
        };
        if (plan.NothingToBurn)
        {
            return plan;
        }

        if (state.Block3WriteProtected)
        {
            throw Refused(FlashErrors.EfuseProtected(Block3,
                "it is write-protected (WR_DIS bit 9), and the wanted value is not burned yet"), state, patch);
        }

        return plan with { Wdata = EfuseWords.FromBytes(coding == EfuseCodingScheme.ThreeQuarters ? EncodeChangedUnits(before, burn, after, state, patch) : burn) };
    }

    /// <summary>The 32 WDATA bytes under 3/4 coding: changed units encoded whole, untouched units left 0.</summary>
    private static byte[] EncodeChangedUnits(byte[] before, byte[] burn, byte[] after, Esp32EfuseState state, Block3Patch patch)
    {
        byte[] wdata = new byte[32];
        for (int unit = 0; unit < ThreeQuarterEncoding.Units; unit++)
        {
            int first = unit * ThreeQuarterEncoding.UnitBytes;
            var range = new Range(first, first + ThreeQuarterEncoding.UnitBytes);
            if (burn.AsSpan(range).IndexOfAnyExcept((byte)0) < 0)
            {
                continue;
            }

            if (before.AsSpan(range).IndexOfAnyExcept((byte)0) >= 0)
            {
                var bytes = Enumerable.Range(first, ThreeQuarterEncoding.UnitBytes);
                throw Refused(FlashErrors.EfuseConflict(Block3,
                    $"under 3/4 coding each 6-byte unit can be written once, and unit {unit} (bytes {first}–{first + 5}: " +
                    $"{Esp32Block3Layout.Describe(bytes)}) already holds data"), state, patch);
            }

            ThreeQuarterEncoding.EncodeUnit(after.AsSpan(range), wdata.AsSpan(unit * 8, 8));
        }

        return wdata;
    }

    private static FlashException Refused(FlashError error, Esp32EfuseState state, Block3Patch? patch = null)
    {
        error = error.With("efuse_block3_before", state.Block3.ToString())
            .With("efuse_coding_scheme", state.CodingScheme.ToString());
        if (patch is not null)
        {
            error = error.With("efuse_wanted", patch.DescribeWanted());
        }

        return new FlashException(error);
    }
}
