using Station.Flashing.Device;
using Station.Flashing.Errors;
using Station.Protocol.Chips;
using static Station.Flashing.Efuse.Esp32EfuseRegisters;

namespace Station.Flashing.Efuse;

/// <summary>
/// Burns BLOCK3 of an ESP32 through the eFuse controller's registers, the way espefuse and IDF do
/// (esp-idf-images-and-efuse.md §1.2, §1.3): read first and decide (<see cref="Esp32EfusePlanner"/>);
/// then zero the other blocks' WDATA (one PGM programs all four blocks), stage BLOCK3, set the timing
/// for the crystal, PGM, READ, check, and re-burn missing bits up to three times. A dry run stops after
/// the decision and writes nothing. The caller runs it only once the flash has verified.
/// </summary>
public sealed class Esp32EfuseBurner
{
    /// <summary>espefuse's EFUSE_BURN_TIMEOUT for one controller command.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromMilliseconds(250);

    /// <summary>espefuse and IDF give a block three burns before calling it failed.</summary>
    public const int MaxAttempts = 3;

    private const string Block3 = "BLOCK3";

    private readonly IEfuseRegisters _registers;
    private readonly TimeProvider _time;
    private readonly EfuseTiming _timing;

    /// <param name="crystalMhz">The chip's crystal (download mode runs the APB clock from it); null = 40 MHz.</param>
    public Esp32EfuseBurner(IEfuseRegisters registers, TimeProvider time, int? crystalMhz = null)
    {
        ArgumentNullException.ThrowIfNull(registers);
        ArgumentNullException.ThrowIfNull(time);
        _registers = registers;
        _time = time;
        _timing = EfuseTiming.ForCrystal(crystalMhz);
    }

    /// <summary>A burner for a connected device, with its measured crystal; refuses chips other than the ESP32.</summary>
    public static Esp32EfuseBurner For(EspDevice device, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.Chip.Kind != ChipKind.Esp32)
        {
            throw new FlashException(FlashErrors.EfuseUnsupportedChip(device.Chip.Name,
                "the station burns eFuses through the ESP32 (original) controller only so far"));
        }

        return new Esp32EfuseBurner(new DeviceEfuseRegisters(device), time, device.Identity.CrystalMhz);
    }

    /// <summary>Reads BLOCK0 words 0 and 6 and BLOCK3's RDATA; writes nothing.</summary>
    public async Task<Esp32EfuseState> ReadStateAsync(CancellationToken cancellationToken)
    {
        uint word0 = await _registers.ReadAsync(EFUSE_BLK0_RDATA0_REG, cancellationToken).ConfigureAwait(false);
        uint word6 = await _registers.ReadAsync(EFUSE_BLK0_RDATA6_REG, cancellationToken).ConfigureAwait(false);
        return new Esp32EfuseState(word0, word6, await ReadBlock3Async(cancellationToken).ConfigureAwait(false));
    }

    public async Task<EfuseBurnResult> BurnAsync(EfuseRequest request, EfuseBurnMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var state = await ReadStateAsync(cancellationToken).ConfigureAwait(false);
        var plan = Esp32EfusePlanner.Plan(state, request);
        var result = new EfuseBurnResult
        {
            Operation = request.Operation,
            Outcome = plan.NothingToBurn ? EfuseBurnOutcome.Skipped : EfuseBurnOutcome.DryRun,
            CodingScheme = plan.CodingScheme,
            Before = plan.Before,
            Burned = plan.Burn,
            After = plan.ExpectedAfter,
        };
        if (plan.NothingToBurn || mode == EfuseBurnMode.DryRun)
        {
            return result;
        }

        var (after, attempts) = await ExecuteAsync(plan, cancellationToken).ConfigureAwait(false);
        return result with { Outcome = EfuseBurnOutcome.Burned, After = after, Attempts = attempts };
    }

    private async Task<(EfuseWords After, int Attempts)> ExecuteAsync(EfusePlan plan, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            await StageAsync(plan.Wdata, cancellationToken).ConfigureAwait(false);
            await SetTimingAsync(cancellationToken).ConfigureAwait(false);
            await RunCommandAsync(EFUSE_PGM_OP_CODE, EFUSE_PGM_CMD, "program", cancellationToken).ConfigureAwait(false);
            await RunCommandAsync(EFUSE_READ_OP_CODE, EFUSE_READ_CMD, "read", cancellationToken).ConfigureAwait(false);

            if (plan.CodingScheme == EfuseCodingScheme.ThreeQuarters)
            {
                uint decStatus = await _registers.ReadAsync(EFUSE_DEC_STATUS_REG, cancellationToken).ConfigureAwait(false);
                if ((decStatus & DecStatusBlock3) != 0)
                {
                    var read = await ReadBlock3Async(cancellationToken).ConfigureAwait(false);
                    throw await FailedAsync(plan, read, attempt,
                        $"the 3/4 decoder reports errors in the block (EFUSE_DEC_STATUS 0x{decStatus:X3})", cancellationToken).ConfigureAwait(false);
                }
            }

            var after = await ReadBlock3Async(cancellationToken).ConfigureAwait(false);
            var (missing, extra) = Compare(plan, after);
            if (!missing && !extra)
            {
                await ClearBlock3WdataAsync(cancellationToken).ConfigureAwait(false);
                return (after, attempt);
            }

            if (extra || attempt == MaxAttempts)
            {
                string why = extra
                    ? "bits that were not asked for are set after the burn"
                    : $"not every bit was set after {attempt} burns";
                throw await FailedAsync(plan, after, attempt, why, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static (bool Missing, bool Extra) Compare(EfusePlan plan, EfuseWords after)
    {
        bool missing = false;
        bool extra = false;
        for (int i = 0; i < plan.DataWords; i++)
        {
            uint expected = plan.ExpectedAfter.Span[i];
            missing |= (expected & ~after.Span[i]) != 0;
            extra |= (after.Span[i] & ~expected) != 0;
        }

        return (missing, extra);
    }

    /// <summary>One PGM programs every block's WDATA, so the other blocks are zeroed before BLOCK3 is staged (§1.2).</summary>
    private async Task StageAsync(EfuseWords block3, CancellationToken cancellationToken)
    {
        await ZeroAsync(EFUSE_BLK0_WDATA0_REG, Block0Words, cancellationToken).ConfigureAwait(false);
        await ZeroAsync(EFUSE_BLK1_WDATA0_REG, BlockWords, cancellationToken).ConfigureAwait(false);
        await ZeroAsync(EFUSE_BLK2_WDATA0_REG, BlockWords, cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < BlockWords; i++)
        {
            await _registers.WriteAsync(EFUSE_BLK3_WDATA0_REG + (uint)(4 * i), block3.Span[i], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Leaves no staged bits behind for a later PGM, as IDF clears its program registers.</summary>
    private Task ClearBlock3WdataAsync(CancellationToken cancellationToken) => ZeroAsync(EFUSE_BLK3_WDATA0_REG, BlockWords, cancellationToken);

    private async Task ZeroAsync(uint first, int words, CancellationToken cancellationToken)
    {
        for (int i = 0; i < words; i++)
        {
            await _registers.WriteAsync(first + (uint)(4 * i), 0, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>esptool's update_reg, three times: read, replace the field, write (§1.3).</summary>
    private async Task SetTimingAsync(CancellationToken cancellationToken)
    {
        await UpdateFieldAsync(EFUSE_DAC_CONF_REG, 0x00FF, _timing.DacClkDiv, cancellationToken).ConfigureAwait(false);
        await UpdateFieldAsync(EFUSE_CLK_REG, 0x00FF, _timing.ClkSel0, cancellationToken).ConfigureAwait(false);
        await UpdateFieldAsync(EFUSE_CLK_REG, 0xFF00, _timing.ClkSel1 << 8, cancellationToken).ConfigureAwait(false);
    }

    private async Task UpdateFieldAsync(uint address, uint mask, uint value, CancellationToken cancellationToken)
    {
        uint old = await _registers.ReadAsync(address, cancellationToken).ConfigureAwait(false);
        await _registers.WriteAsync(address, (old & ~mask) | (value & mask), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Op code into EFUSE_CONF, the command into EFUSE_CMD, then poll EFUSE_CMD until it reads 0.</summary>
    private async Task RunCommandAsync(uint opCode, uint command, string name, CancellationToken cancellationToken)
    {
        await _registers.WriteAsync(EFUSE_CONF_REG, opCode, cancellationToken).ConfigureAwait(false);
        await _registers.WriteAsync(EFUSE_CMD_REG, command, cancellationToken).ConfigureAwait(false);
        long started = _time.GetTimestamp();
        while (true)
        {
            uint cmd = await _registers.ReadAsync(EFUSE_CMD_REG, cancellationToken).ConfigureAwait(false);
            if ((cmd & (EFUSE_READ_CMD | EFUSE_PGM_CMD)) == 0)
            {
                return;
            }

            if (_time.GetElapsedTime(started) >= CommandTimeout)
            {
                throw new FlashException(FlashErrors.EfuseTimeout(name, CommandTimeout, cmd));
            }
        }
    }

    private async Task<EfuseWords> ReadBlock3Async(CancellationToken cancellationToken)
    {
        uint[] words = new uint[BlockWords];
        for (int i = 0; i < words.Length; i++)
        {
            words[i] = await _registers.ReadAsync(EFUSE_BLK3_RDATA0_REG + (uint)(4 * i), cancellationToken).ConfigureAwait(false);
        }

        return new EfuseWords(words);
    }

    private async Task<FlashException> FailedAsync(EfusePlan plan, EfuseWords after, int attempts, string why, CancellationToken cancellationToken)
    {
        await ClearBlock3WdataAsync(cancellationToken).ConfigureAwait(false);
        return new FlashException(FlashErrors.EfuseBurnFailed(Block3, why)
            .With("efuse_block3_before", plan.Before.ToString())
            .With("efuse_block3_expected", plan.ExpectedAfter.ToString())
            .With("efuse_block3_after", after.ToString())
            .With("efuse_attempts", attempts.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
