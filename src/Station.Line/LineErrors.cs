using Station.Flashing.Errors;

namespace Station.Line;

/// <summary>Failures that only the line can name (on top of the flashing errors).</summary>
public static class LineErrors
{
    public const string StepTimeoutCode = "E-STEP-TIMEOUT";
    public const string BootCheckFailedCode = "E-BOOT-CHECK-FAILED";
    public const string UnitChangedCode = "E-UNIT-CHANGED";
    public const string InterruptedCode = "E-INTERRUPTED";
    public const string NotVerifiedCode = "E-NOT-VERIFIED";
    public const string DeviceDataCode = "E-DEVICE-DATA";
    public const string LedgerCode = "E-LEDGER";
    public const string LedgerRefusedCode = "E-LEDGER-REFUSED";
    public const string QaNoRecordCode = "E-QA-NO-RECORD";

    public static IReadOnlyList<string> All { get; } =
        [StepTimeoutCode, BootCheckFailedCode, UnitChangedCode, InterruptedCode, NotVerifiedCode, DeviceDataCode, LedgerCode, LedgerRefusedCode, QaNoRecordCode];

    /// <summary>
    /// Failures no next unit can escape (the ledger refuses the product: rows used up, serial format clash,
    /// damaged store): the line stops taking units instead of failing every board that follows.
    /// </summary>
    public static bool HaltsLine(string? code) => code == LedgerRefusedCode;

    public static FlashError QaNoRecord(string region) => new(QaNoRecordCode,
        $"the ledger has no per-device data for this unit's {region} region",
        "This unit was never passed by a line with this profile: set it aside for engineering.") { Permanent = true };

    /// <summary>The unit's per-device data could not be built (a template, a value, the NVS partition).</summary>
    public static FlashError DeviceData(string why) => new(DeviceDataCode,
        $"the unit's per-device data could not be built: {why}",
        "Fix the profile's deviceData section or the mass-manufacturing values; nothing was written to this unit.") { Permanent = true };

    /// <summary>
    /// The ledger could not be reached (<paramref name="permanent"/> false: another attempt may work) or refuses
    /// the product itself (true: <see cref="LedgerRefusedCode"/>, which stops the line).
    /// </summary>
    public static FlashError Ledger(string why, bool permanent) => permanent
        ? new(LedgerRefusedCode, $"the serial-number ledger refuses this product: {why}",
            "The line has stopped: call engineering. The board is not spoiled and can be flashed again once the ledger or profile is fixed.") { Permanent = true }
        : new(LedgerCode, $"the serial-number ledger: {why}",
            "Check the ledger's database connection; the unit can be flashed again and keeps its serial.");

    /// <summary>
    /// The port went away mid-unit (field failure F6: cable knocked, USB re-enumeration, power): the attempt is
    /// interrupted, with how far it got; the same board is flashed again from the start when it comes back.
    /// </summary>
    public static FlashError Unplugged(FlashError gone, string step, string? writeInProgress, int regionsVerified, int regions) => gone with
    {
        Cause = $"{gone.Cause}, during the {step} step{(writeInProgress is null ? "" : $" (writing {writeInProgress})")}; {regionsVerified} of {regions} regions had verified",
        Remedy = "Plug the same board back in (check the cable and hub): it is flashed again from the start. If it does not come back, set it aside as not finished.",
    };

    public static FlashError NotVerified() => new(NotVerifiedCode,
        "not every region could be verified by MD5 (the ESP8266 ROM loader cannot compute it)",
        "Provide the flasher stub for this chip so every region is verified; never ship this unit unverified.") { Permanent = true };

    public static FlashError StepTimeout(string step, TimeSpan limit) => new(StepTimeoutCode,
        $"the {step} step did not finish within {limit.TotalSeconds:0.#} s",
        "Re-seat the board and cable; if it repeats, lower the baud ladder or raise the profile's timeout for this step.");

    public static FlashError BootCheckFailed(string pattern, TimeSpan within) => new(BootCheckFailedCode,
        $"the app did not print '{pattern}' within {within.TotalSeconds:0.#} s after the restart",
        "Set the unit aside for engineering: the flash verified, but the firmware did not start as expected.") { Permanent = true };

    public static FlashError UnitChanged(string expected, string actual) => new(UnitChangedCode,
        $"another board answered mid-unit (expected {expected}, found {actual})",
        "Do not swap boards while a slot is working; the interrupted board must be flashed again.") { Permanent = true };

    public static FlashError Interrupted(string step) => new(InterruptedCode,
        $"the station was stopped during the {step} step",
        "Flash this unit again: it was not finished.");
}
