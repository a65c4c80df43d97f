namespace Station.Protocol.Commands;

/// <summary>Command opcodes of the ROM loader and the flasher stub (wire names).</summary>
public enum Opcode : byte
{
    FlashBegin = 0x02,
    FlashData = 0x03,
    FlashEnd = 0x04,
    MemBegin = 0x05,
    MemEnd = 0x06,
    MemData = 0x07,
    Sync = 0x08,
    WriteReg = 0x09,
    ReadReg = 0x0A,
    SpiSetParams = 0x0B,
    SpiAttach = 0x0D,
    ReadFlashSlow = 0x0E,
    ChangeBaudrate = 0x0F,
    FlashDeflBegin = 0x10,
    FlashDeflData = 0x11,
    FlashDeflEnd = 0x12,
    SpiFlashMd5 = 0x13,
    GetSecurityInfo = 0x14,

    // Stub only.
    EraseFlash = 0xD0,
    EraseRegion = 0xD1,
    ReadFlash = 0xD2,
    RunUserCode = 0xD3,
    FlashEncryptData = 0xD4,
}

public static class OpcodeFacts
{
    /// <summary>Commands whose header carries the data checksum (<c>0xEF ^ payload</c>).</summary>
    public static bool CarriesChecksum(this Opcode op) =>
        op is Opcode.MemData or Opcode.FlashData or Opcode.FlashDeflData or Opcode.FlashEncryptData;

    /// <summary>What an operator-facing message calls the command.</summary>
    public static string Describe(this Opcode op) => op switch
    {
        Opcode.FlashBegin => "start flash write",
        Opcode.FlashData => "write flash block",
        Opcode.FlashEnd => "finish flash write",
        Opcode.MemBegin => "start RAM upload",
        Opcode.MemData => "write RAM block",
        Opcode.MemEnd => "finish RAM upload",
        Opcode.Sync => "sync",
        Opcode.WriteReg => "write register",
        Opcode.ReadReg => "read register",
        Opcode.SpiSetParams => "set SPI flash parameters",
        Opcode.SpiAttach => "attach SPI flash",
        Opcode.ReadFlashSlow => "read flash (ROM)",
        Opcode.ChangeBaudrate => "change baud rate",
        Opcode.FlashDeflBegin => "start compressed flash write",
        Opcode.FlashDeflData => "write compressed flash block",
        Opcode.FlashDeflEnd => "finish compressed flash write",
        Opcode.SpiFlashMd5 => "compute flash MD5",
        Opcode.GetSecurityInfo => "read security info",
        Opcode.EraseFlash => "erase whole flash",
        Opcode.EraseRegion => "erase flash region",
        Opcode.ReadFlash => "read flash",
        Opcode.RunUserCode => "run user code",
        Opcode.FlashEncryptData => "write encrypted flash block",
        _ => $"opcode 0x{(byte)op:X2}",
    };
}
