using Station.Flashing.Connect;
using Station.Protocol.Commands;
using Station.Protocol.Status;
using Station.Transport.Links;

namespace Station.Flashing.Errors;

/// <summary>Every error the flashing code reports, by stable code (see README, "Error codes").</summary>
public static class FlashErrors
{
    // Ports.
    public static FlashError FromLink(LinkException e) => e.Failure switch
    {
        LinkFailure.NotFound => new FlashError(ErrorCodes.PortNotFound,
            $"port {e.Port} does not exist",
            "Check the cable and the port name; the board may not be plugged in.") { Permanent = true },
        LinkFailure.Busy => new FlashError(ErrorCodes.PortBusy,
            $"port {e.Port} is held by another program{(e.Holder is null ? "" : $": {e.Holder}")}",
            e.Holder is { } holder
                ? $"Close {holder} (a serial monitor, slicer or another station), then try again{StuckHint(holder)}. The station never takes a port from another program."
                : $"Close the program holding the port (serial monitor, slicer, another station; 'fuser -v {e.Port}' as root names it), then try again. The station never takes a port from another program.") { Permanent = true },
        LinkFailure.PermissionDenied => new FlashError(ErrorCodes.PortDenied,
            $"no permission to open {e.Port}",
            "Add the station user to the dialout group (then log in again), or fix the udev rule for this port.") { Permanent = true },
        LinkFailure.Gone => new FlashError(ErrorCodes.PortGone,
            $"port {e.Port} disappeared while in use (unplugged, knocked cable, or the device re-enumerated)",
            "Re-seat the board and its cable; the unit will be flashed again from a clean state."),
        LinkFailure.NotASerialPort => new FlashError(ErrorCodes.PortNotSerial,
            $"{e.Port} is not a serial port",
            "Pick the board's serial port (see the list of ports), not another device.") { Permanent = true },
        LinkFailure.BaudUnsupported => new FlashError(ErrorCodes.BaudUnsupported,
            $"the serial adapter on {e.Port} refused the baud rate",
            "Use a lower baud rate for this adapter.") { Permanent = true },
        LinkFailure.Unreachable => new FlashError(ErrorCodes.PortUnreachable,
            $"cannot reach {e.Port}",
            "Check that the remote port or simulator is running and the address is right.") { Permanent = true },
        LinkFailure.BadAddress => new FlashError(ErrorCodes.PortBadAddress,
            e.Message,
            "Give a device path such as /dev/ttyUSB0 or a URL such as socket://127.0.0.1:4000.") { Permanent = true },
        _ => new FlashError(ErrorCodes.PortIo, $"I/O error on {e.Port}: {e.Message}", "Re-seat the cable; if it repeats, swap the cable or USB port."),
    };

    /// <summary>For a holder described as "pid 1234 (command …)": how to end it if it does not close.</summary>
    private static string StuckHint(string holder) =>
        holder.StartsWith("pid ", StringComparison.Ordinal) ? $"; if it is stuck, end it with kill {holder[4..].Split(' ')[0]}" : "";

    // Connecting.
    public static FlashError NoSerialData(string port) => new(ErrorCodes.ConnectNoData,
        $"no serial data received from {port}: the board did not answer at all",
        "Check the board is powered and the cable carries data (not a charge-only cable); re-seat the board.");

    public static FlashError WrongBootMode(string port, string bootMode) => new(ErrorCodes.ConnectWrongBootMode,
        $"the chip on {port} booted its application (boot mode {bootMode}) instead of entering download mode",
        "The auto-reset circuit did not pull IO0 low: re-seat the board; if it repeats, hold BOOT while resetting, or check the fixture's EN/IO0 wiring.");

    public static FlashError DownloadModeButNoSync(string port) => new(ErrorCodes.ConnectNoSyncReply,
        $"the chip on {port} is in download mode but does not answer: the serial path from the station to the chip seems dead",
        "Check the TX/RX wiring and the USB-serial adapter; swap the cable.");

    public static FlashError NoSync(string port) => new(ErrorCodes.ConnectNoSync,
        $"the device on {port} sends data but never answered SYNC (wrong baud, application output, or not an Espressif chip)",
        "Re-seat the board so it resets into download mode; check the port belongs to this slot.");

    // Identification.
    public static FlashError UnknownChip(uint magic) => new(ErrorCodes.ChipUnknown,
        $"the chip answered with magic value 0x{magic:X8}, which matches no known chip",
        "Set this unit aside and check the board type.") { Permanent = true };

    public static FlashError ChipMismatch(string expected, string actual) => new(ErrorCodes.ChipMismatch,
        $"this board carries an {actual}, but the job is for {expected}",
        "Set this board aside: it is the wrong product for this job. Nothing was written.") { Permanent = true };

    public static FlashError SecureDownloadMode(string operation) => new(ErrorCodes.SecureDownloadMode,
        $"the chip is in Secure Download Mode, which does not allow {operation}",
        "This part is locked; set it aside for engineering.") { Permanent = true };

    public static FlashError FlashNotDetected(uint id) => new(ErrorCodes.FlashNotDetected,
        $"the flash chip did not answer its ID query (read 0x{id:X6})",
        "Check the module's flash wiring or set the unit aside: read and write would fail.") { Permanent = true };

    // Stub and baud.
    public static FlashError StubNoGreeting() => new(ErrorCodes.StubNoGreeting,
        "the flasher stub was uploaded but never greeted (no OHAI)",
        "Reconnect; if it repeats, flash through the ROM loader without the stub.");

    public static FlashError RamUploadCorrupt(byte code) => new(ErrorCodes.RamUploadCorrupt,
        $"data corrupted on the serial link during RAM upload (ROM error 0x{code:X2}, invalid checksum)",
        "Lower the baud rate; for CH9102/CH34x USB bridges install the vendor driver; check USB power (add bulk capacitance) and swap the cable.");

    public static FlashError BaudNoResponse(int baud) => new(ErrorCodes.BaudNoResponse,
        $"the device stopped answering after switching to {baud} baud",
        "This adapter or cable cannot hold this rate: use a lower baud rate.");

    // Commands.
    public static FlashError Timeout(Opcode op, TimeSpan timeout, bool partialFrame) => new(ErrorCodes.Timeout,
        partialFrame
            ? $"the reply to '{op.Describe()}' stopped mid-packet after {timeout.TotalSeconds:0.###} s"
            : $"no reply to '{op.Describe()}' within {timeout.TotalSeconds:0.###} s",
        "Re-seat the board and cable; if it repeats at high baud, lower the baud rate.");

    /// <summary>No reply because the chip restarted mid-command: its ROM banner (<c>rst:…</c>) arrived instead.</summary>
    public static FlashError Restarted(Opcode op, string resetCause) => resetCause == BootLog.BrownoutCause
        ? new FlashError(ErrorCodes.Brownout,
            $"the board restarted during '{op.Describe()}' with reset cause {resetCause} (brownout): its supply voltage dipped",
            "Check the slot's power: a powered USB hub, a short thick cable, the fixture's supply; a capacitor across 3.3 V helps on weak boards. Then retry the board.")
            .With("reset_cause", resetCause)
        : new FlashError(ErrorCodes.DeviceRestarted,
            $"the board restarted during '{op.Describe()}' (reset cause {resetCause})",
            "Check that nothing pulls EN (reset) in the fixture and that the board's supply is steady; then retry the board.")
            .With("reset_cause", resetCause);

    public static FlashError Device(Opcode op, DeviceError error)
    {
        var (code, remedy) = error switch
        {
            { Loader: not LoaderKind.Stub, Code: (byte)RomErrorCode.InvalidCrc } or { Loader: LoaderKind.Stub, Code: (byte)StubErrorCode.BadDataChecksum }
                => (ErrorCodes.LinkCorrupt, "Lower the baud rate, swap the cable, check the USB bridge driver and power."),
            { Loader: not LoaderKind.Stub, Code: (byte)RomErrorCode.FlashWriteError } or { Loader: LoaderKind.Stub, Code: (byte)StubErrorCode.FailedSpiOperation }
                => (ErrorCodes.FlashWrite, "Check the module's supply (brownout) and flash mode; if it repeats, set the unit aside."),
            { Loader: not LoaderKind.Stub, Code: (byte)RomErrorCode.FlashReadError } or { Loader: LoaderKind.Stub, Code: (byte)StubErrorCode.Md5ReadFailed }
                => (ErrorCodes.FlashRead, "Check the module's supply and flash mode; if it repeats, set the unit aside."),
            { Loader: not LoaderKind.Stub, Code: (byte)RomErrorCode.DeflateError } or { Loader: LoaderKind.Stub, Code: (byte)StubErrorCode.InflateError }
                => (ErrorCodes.Deflate, "The compressed data was damaged on the way; lower the baud rate and retry."),
            _ => (ErrorCodes.DeviceRejected, "Retry; if it repeats, report the error code to engineering."),
        };
        return new FlashError(code, $"'{op.Describe()}' failed: {error.Meaning}", remedy)
            .With("device_error", $"{error.Name} 0x{error.Code:X2}")
            .With("loader", error.Loader.ToString());
    }

    public static FlashError Malformed(Opcode op, string what) => new(ErrorCodes.Protocol,
        $"the reply to '{op.Describe()}' was malformed: {what}",
        "Re-seat the cable; if it repeats, lower the baud rate.");

    public static FlashError Unsupported(string operation, string why) => new(ErrorCodes.Unsupported,
        $"{operation} is not possible here: {why}",
        "Provide the flasher stub files (see README, \"Flasher stubs\") or use another method.") { Permanent = true };

    // Verification.
    public static FlashError Md5Mismatch(uint address, string expected, string actual) => new FlashError(ErrorCodes.VerifyMd5Mismatch,
            $"the flash at 0x{address:X} does not hold what was written (MD5 mismatch)",
            "Re-flash once; if it fails again, check the supply and flash mode (ESP8285 needs dout) and set the unit aside.")
        .With("expected_md5", expected)
        .With("actual_md5", actual);

    public static FlashError ReadBackCorrupt(uint address) => new(ErrorCodes.ReadCorrupt,
        $"data read from flash at 0x{address:X} did not match the device's own digest: corrupted on the link",
        "Lower the baud rate and read again.");

    // eFuses (ESP32 BLOCK3: user data, custom MAC).
    public static FlashError EfuseUnsupportedChip(string chip, string why) => new(ErrorCodes.EfuseUnsupportedChip,
        $"eFuse burning is not available for {chip}: {why}",
        "Remove the eFuse section from this job's profile, or run it on ESP32 units.") { Permanent = true };

    public static FlashError EfuseRequestInvalid(string problem) => new(ErrorCodes.EfuseRequestInvalid,
        $"the eFuse request is invalid: {problem}",
        "Fix the eFuse section of the profile; nothing was burned.") { Permanent = true };

    public static FlashError EfuseConflict(string block, string what) => new(ErrorCodes.EfuseConflict,
        $"{block} already holds different data ({what}); eFuse bits cannot be cleared, so the wanted value can never be burned",
        "Set the unit aside: it already carries other data (a unit from another batch, or a wrong earlier burn). Nothing was burned.") { Permanent = true };

    public static FlashError EfuseProtected(string block, string why) => new(ErrorCodes.EfuseProtected,
        $"{block} is protected: {why}",
        "Set the unit aside for engineering: protection bits are permanent. Nothing was burned.") { Permanent = true };

    public static FlashError EfuseBurnFailed(string block, string why) => new(ErrorCodes.EfuseBurnFailed,
        $"burning {block} failed: {why}",
        "Set the unit aside: its eFuses may now be partly burned (see the words in the record). Check the supply voltage of the fixture.") { Permanent = true };

    public static FlashError EfuseTimeout(string command, TimeSpan timeout, uint cmd) => new(ErrorCodes.EfuseTimeout,
        $"the eFuse controller did not finish its {command} command within {timeout.TotalMilliseconds:0} ms (EFUSE_CMD still 0x{cmd:X})",
        "Power-cycle the unit and run it again: the station reads BLOCK3 first, so it completes or skips the burn; if it repeats, set the unit aside.");

    // Input (known before anything is written).
    public static FlashError FileUnreadable(string path, string why) => new(ErrorCodes.FileUnreadable,
        $"cannot read {path}: {why}", "Check the path and the file's permissions.") { Permanent = true };

    public static FlashError FileEmpty(string path) => new(ErrorCodes.FileEmpty,
        $"{path} is empty", "Check that the right image file was given.") { Permanent = true };

    public static FlashError AddressUnaligned(uint address, string source) => new(ErrorCodes.AddressUnaligned,
        $"{source} is placed at 0x{address:X}, which is not on a 4 KiB sector boundary (writing there would erase the bytes before it in the same sector)",
        "Use an address that is a multiple of 0x1000.") { Permanent = true };

    public static FlashError RegionsOverlap(string first, uint firstEnd, string second, uint secondStart) => new(ErrorCodes.RegionsOverlap,
        $"{second} at 0x{secondStart:X} overlaps {first}, which ends at 0x{firstEnd:X}",
        "Fix the addresses so the images do not overlap.") { Permanent = true };

    public static FlashError ImageTooLarge(string source, uint address, long length, uint flashSize) => new(ErrorCodes.ImageTooLarge,
        $"{source} ({length} bytes at 0x{address:X}) does not fit the {flashSize / 1024} KiB flash (it would end at 0x{address + length:X})",
        "Use a unit with a larger flash or a smaller image.") { Permanent = true };

    public static FlashError InvalidFlashSettings(string problems) => new(ErrorCodes.FlashSettingsInvalid,
        $"invalid flash settings: {problems}", "Use values valid for this chip.") { Permanent = true };
}
