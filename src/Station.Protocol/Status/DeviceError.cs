namespace Station.Protocol.Status;

/// <summary>A failure the device reported, with the code's name and its meaning in plain words.</summary>
public sealed record DeviceError(LoaderKind Loader, byte Code, string Name, string Meaning)
{
    public override string ToString() => $"{Name} (0x{Code:X2}): {Meaning}";
}

/// <summary>ROM error codes (the byte after <c>01</c>).</summary>
public enum RomErrorCode : byte
{
    InvalidMessage = 0x05,
    FailedToAct = 0x06,
    InvalidCrc = 0x07,
    FlashWriteError = 0x08,
    FlashReadError = 0x09,
    FlashReadLengthError = 0x0A,
    DeflateError = 0x0B,
}

/// <summary>Flasher-stub error codes (the first status byte).</summary>
public enum StubErrorCode : byte
{
    EraseAddressUnaligned = 0x32,
    EraseLengthUnaligned = 0x33,
    EraseUnlockFailed = 0x34,
    EraseSectorFailed = 0x35,
    EraseBlockFailed = 0x36,
    EraseChipFailed = 0x37,
    Md5ReadFailed = 0x63,
    BadDataLength = 0xC0,
    BadDataChecksum = 0xC1,
    BadBlockSize = 0xC2,
    InvalidCommand = 0xC3,
    FailedSpiOperation = 0xC4,
    FailedSpiUnlock = 0xC5,
    NotInFlashMode = 0xC6,
    InflateError = 0xC7,
    NotEnoughData = 0xC8,
    TooMuchData = 0xC9,
    CommandNotImplemented = 0xFF,
}

public static class DeviceErrors
{
    public static DeviceError Describe(LoaderKind loader, byte code) =>
        loader == LoaderKind.Stub ? DescribeStub(code) : DescribeRom(loader, code);

    private static DeviceError DescribeRom(LoaderKind loader, byte code) => (RomErrorCode)code switch
    {
        RomErrorCode.InvalidMessage => new(loader, code, "InvalidMessage",
            "the ROM rejected the message (bad parameters or length, or a command it does not support)"),
        RomErrorCode.FailedToAct => new(loader, code, "FailedToAct", "the ROM failed to act on the message"),
        RomErrorCode.InvalidCrc => new(loader, code, "InvalidCrc",
            "invalid checksum: the data was corrupted on the serial link"),
        RomErrorCode.FlashWriteError => new(loader, code, "FlashWriteError",
            "flash write error: the block read back from flash differs from what was written"),
        RomErrorCode.FlashReadError => new(loader, code, "FlashReadError", "flash read error: the SPI read failed"),
        RomErrorCode.FlashReadLengthError => new(loader, code, "FlashReadLengthError", "flash read length error: the read was too long"),
        RomErrorCode.DeflateError => new(loader, code, "DeflateError", "the compressed data could not be decompressed"),
        _ => new(loader, code, "UnknownRomError", $"the ROM reported an undocumented error 0x{code:X2}"),
    };

    private static DeviceError DescribeStub(byte code) => (StubErrorCode)code switch
    {
        StubErrorCode.EraseAddressUnaligned => Stub(code, "EraseAddressUnaligned", "erase address is not 4 KiB aligned"),
        StubErrorCode.EraseLengthUnaligned => Stub(code, "EraseLengthUnaligned", "erase length is not a multiple of 4 KiB"),
        StubErrorCode.EraseUnlockFailed => Stub(code, "EraseUnlockFailed", "the flash could not be unlocked for erasing"),
        StubErrorCode.EraseSectorFailed => Stub(code, "EraseSectorFailed", "a flash sector erase failed"),
        StubErrorCode.EraseBlockFailed => Stub(code, "EraseBlockFailed", "a flash block erase failed"),
        StubErrorCode.EraseChipFailed => Stub(code, "EraseChipFailed", "a flash erase failed"),
        StubErrorCode.Md5ReadFailed => Stub(code, "Md5ReadFailed", "flash could not be read while computing the MD5"),
        StubErrorCode.BadDataLength => Stub(code, "BadDataLength", "the data length does not match the command"),
        StubErrorCode.BadDataChecksum => Stub(code, "BadDataChecksum", "invalid checksum: the data was corrupted on the serial link"),
        StubErrorCode.BadBlockSize => Stub(code, "BadBlockSize", "the block size is larger than the stub accepts (0x4000)"),
        StubErrorCode.InvalidCommand => Stub(code, "InvalidCommand", "the stub does not know this command"),
        StubErrorCode.FailedSpiOperation => Stub(code, "FailedSpiOperation", "a SPI flash operation failed"),
        StubErrorCode.FailedSpiUnlock => Stub(code, "FailedSpiUnlock", "the SPI flash could not be unlocked"),
        StubErrorCode.NotInFlashMode => Stub(code, "NotInFlashMode", "a flash command arrived without a preceding begin"),
        StubErrorCode.InflateError => Stub(code, "InflateError", "the compressed data could not be decompressed"),
        StubErrorCode.NotEnoughData => Stub(code, "NotEnoughData", "fewer bytes arrived than the write announced"),
        StubErrorCode.TooMuchData => Stub(code, "TooMuchData", "more bytes arrived than the write announced"),
        StubErrorCode.CommandNotImplemented => Stub(code, "CommandNotImplemented", "the stub does not implement this command"),
        _ => Stub(code, "UnknownStubError", $"the stub reported an undocumented error 0x{code:X2}"),
    };

    private static DeviceError Stub(byte code, string name, string meaning) => new(LoaderKind.Stub, code, name, meaning);
}
