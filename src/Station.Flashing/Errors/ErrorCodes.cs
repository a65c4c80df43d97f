namespace Station.Flashing.Errors;

/// <summary>Every stable error code the flashing code reports; records and exit codes key on these.</summary>
public static class ErrorCodes
{
    public const string AddressUnaligned = "E-ADDRESS-UNALIGNED";
    public const string BaudNoResponse = "E-BAUD-NO-RESPONSE";
    public const string BaudUnsupported = "E-BAUD-UNSUPPORTED";
    public const string Brownout = "E-BROWNOUT";
    public const string ChipMismatch = "E-CHIP-MISMATCH";
    public const string ChipUnknown = "E-CHIP-UNKNOWN";
    public const string ConnectNoData = "E-CONNECT-NO-DATA";
    public const string ConnectNoSync = "E-CONNECT-NO-SYNC";
    public const string ConnectNoSyncReply = "E-CONNECT-NO-SYNC-REPLY";
    public const string ConnectWrongBootMode = "E-CONNECT-WRONG-BOOT-MODE";
    public const string Deflate = "E-DEFLATE";
    public const string DeviceRejected = "E-DEVICE-REJECTED";
    public const string DeviceRestarted = "E-DEVICE-RESTARTED";
    public const string EfuseBurnFailed = "E-EFUSE-BURN-FAILED";
    public const string EfuseConflict = "E-EFUSE-CONFLICT";
    public const string EfuseProtected = "E-EFUSE-PROTECTED";
    public const string EfuseRequestInvalid = "E-EFUSE-REQUEST-INVALID";
    public const string EfuseTimeout = "E-EFUSE-TIMEOUT";
    public const string EfuseUnsupportedChip = "E-EFUSE-UNSUPPORTED-CHIP";
    public const string FileEmpty = "E-FILE-EMPTY";
    public const string FileUnreadable = "E-FILE-UNREADABLE";
    public const string FlashNotDetected = "E-FLASH-NOT-DETECTED";
    public const string FlashRead = "E-FLASH-READ";
    public const string FlashSettingsInvalid = "E-FLASH-SETTINGS-INVALID";
    public const string FlashWrite = "E-FLASH-WRITE";
    public const string ImageTooLarge = "E-IMAGE-TOO-LARGE";
    public const string LinkCorrupt = "E-LINK-CORRUPT";
    public const string PortBadAddress = "E-PORT-BAD-ADDRESS";
    public const string PortBusy = "E-PORT-BUSY";
    public const string PortDenied = "E-PORT-DENIED";
    public const string PortGone = "E-PORT-GONE";
    public const string PortIo = "E-PORT-IO";
    public const string PortNotFound = "E-PORT-NOT-FOUND";
    public const string PortNotSerial = "E-PORT-NOT-SERIAL";
    public const string PortUnreachable = "E-PORT-UNREACHABLE";
    public const string Protocol = "E-PROTOCOL";
    public const string RamUploadCorrupt = "E-RAM-UPLOAD-CORRUPT";
    public const string ReadCorrupt = "E-READ-CORRUPT";
    public const string RegionsOverlap = "E-REGIONS-OVERLAP";
    public const string SecureDownloadMode = "E-SECURE-DOWNLOAD-MODE";
    public const string StubInvalid = "E-STUB-INVALID";
    public const string StubNoGreeting = "E-STUB-NO-GREETING";
    public const string Timeout = "E-TIMEOUT";
    public const string Unsupported = "E-UNSUPPORTED";
    public const string VerifyMd5Mismatch = "E-VERIFY-MD5-MISMATCH";

    public static IReadOnlyList<string> All { get; } =
    [
        AddressUnaligned,
        BaudNoResponse,
        BaudUnsupported,
        Brownout,
        ChipMismatch,
        ChipUnknown,
        ConnectNoData,
        ConnectNoSync,
        ConnectNoSyncReply,
        ConnectWrongBootMode,
        Deflate,
        DeviceRejected,
        DeviceRestarted,
        EfuseBurnFailed,
        EfuseConflict,
        EfuseProtected,
        EfuseRequestInvalid,
        EfuseTimeout,
        EfuseUnsupportedChip,
        FileEmpty,
        FileUnreadable,
        FlashNotDetected,
        FlashRead,
        FlashSettingsInvalid,
        FlashWrite,
        ImageTooLarge,
        LinkCorrupt,
        PortBadAddress,
        PortBusy,
        PortDenied,
        PortGone,
        PortIo,
        PortNotFound,
        PortNotSerial,
        PortUnreachable,
        Protocol,
        RamUploadCorrupt,
        ReadCorrupt,
        RegionsOverlap,
        SecureDownloadMode,
        StubInvalid,
        StubNoGreeting,
        Timeout,
        Unsupported,
        VerifyMd5Mismatch,
    ];
}
