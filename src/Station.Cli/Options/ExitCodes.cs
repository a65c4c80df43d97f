using Station.Flashing.Errors;

namespace Station.Cli.Options;

/// <summary>
/// Process exit codes: 0 success, 1 unexpected failure, 2 usage error, 3 written but not verified, 6 ledger unavailable, 8 records unusable,
/// and one distinct code per error code, grouped by family (README, "Exit codes").
/// </summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Unexpected = 1;
    public const int Usage = 2;
    public const int NotVerified = 3;

    /// <summary>The serial-number ledger cannot be opened or refused a call (its E-LEDGER-* code is printed).</summary>
    public const int Ledger = 6;

    /// <summary>The record files cannot be used: another process writes the batch, or a file has another layout.</summary>
    public const int Records = 8;

    public static readonly IReadOnlyDictionary<string, int> ByErrorCode = new Dictionary<string, int>
    {
        [ErrorCodes.PortNotFound] = 10,
        [ErrorCodes.PortBusy] = 11,
        [ErrorCodes.PortDenied] = 12,
        [ErrorCodes.PortGone] = 13,
        [ErrorCodes.PortNotSerial] = 14,
        [ErrorCodes.PortUnreachable] = 15,
        [ErrorCodes.PortBadAddress] = 16,
        [ErrorCodes.PortIo] = 17,
        [ErrorCodes.BaudUnsupported] = 18,

        [ErrorCodes.ConnectNoData] = 20,
        [ErrorCodes.ConnectWrongBootMode] = 21,
        [ErrorCodes.ConnectNoSyncReply] = 22,
        [ErrorCodes.ConnectNoSync] = 23,

        [ErrorCodes.ChipUnknown] = 30,
        [ErrorCodes.ChipMismatch] = 31,
        [ErrorCodes.SecureDownloadMode] = 32,
        [ErrorCodes.FlashNotDetected] = 33,

        [ErrorCodes.StubInvalid] = 40,
        [ErrorCodes.StubNoGreeting] = 41,
        [ErrorCodes.RamUploadCorrupt] = 42,
        [ErrorCodes.BaudNoResponse] = 43,

        [ErrorCodes.Timeout] = 50,
        [ErrorCodes.LinkCorrupt] = 51,
        [ErrorCodes.FlashWrite] = 52,
        [ErrorCodes.FlashRead] = 53,
        [ErrorCodes.Deflate] = 54,
        [ErrorCodes.DeviceRejected] = 55,
        [ErrorCodes.Protocol] = 56,
        [ErrorCodes.Unsupported] = 57,
        [ErrorCodes.ReadCorrupt] = 58,

        [ErrorCodes.VerifyMd5Mismatch] = 60,
        [ErrorCodes.EfuseConflict] = 61,
        [ErrorCodes.EfuseProtected] = 62,
        [ErrorCodes.EfuseBurnFailed] = 63,
        [ErrorCodes.EfuseTimeout] = 64,
        [ErrorCodes.EfuseUnsupportedChip] = 65,
        [ErrorCodes.EfuseRequestInvalid] = 66,

        [ErrorCodes.FileUnreadable] = 70,
        [ErrorCodes.FileEmpty] = 71,
        [ErrorCodes.AddressUnaligned] = 72,
        [ErrorCodes.RegionsOverlap] = 73,
        [ErrorCodes.ImageTooLarge] = 74,
        [ErrorCodes.FlashSettingsInvalid] = 75,

        [ErrorCodes.Brownout] = 90,
        [ErrorCodes.DeviceRestarted] = 91,
    };

    public static int For(FlashError error) => ByErrorCode.TryGetValue(error.Code, out int code) ? code : Unexpected;
}
