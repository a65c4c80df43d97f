using System.Buffers.Binary;

namespace Station.Protocol.Commands;

/// <summary>
/// Builds the request payload of every command, exactly as the ROM loader and the stub expect it.
/// Field order and widths are the wire facts; callers choose values (see the flashing client).
/// </summary>
public static class Requests
{
    /// <summary>SYNC payload: <c>07 07 12 20</c> followed by 32 × <c>55</c>.</summary>
    public static ReadOnlySpan<byte> SyncPayload =>
    [
        0x07, 0x07, 0x12, 0x20,
        0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
        0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
    ];

    /// <summary>Length of the sub-header in front of every *_DATA payload.</summary>
    public const int DataHeaderLength = 16;

    public static Command Sync() => new(Opcode.Sync, SyncPayload.ToArray());

    public static Command ReadReg(uint address) => new(Opcode.ReadReg, Words(address));

    public static Command WriteReg(uint address, uint value, uint mask = 0xFFFF_FFFF, uint delayUs = 0) =>
        new(Opcode.WriteReg, Words(address, value, mask, delayUs));

    public static Command MemBegin(uint totalSize, uint blockCount, uint blockSize, uint address) =>
        new(Opcode.MemBegin, Words(totalSize, blockCount, blockSize, address));

    public static Command MemData(uint sequence, ReadOnlySpan<byte> block) => Data(Opcode.MemData, sequence, block);

    /// <summary>MEM_END: the first word is "no entry" (1 when entry is 0), the second the entry point.</summary>
    public static Command MemEnd(uint entry) => new(Opcode.MemEnd, Words(entry == 0 ? 1u : 0u, entry));

    /// <summary>
    /// FLASH_BEGIN. <paramref name="fifthWord"/> is the "encrypted" word that ESP32-S2-and-newer ROMs take;
    /// the stub and the ESP32 ROM take exactly four words.
    /// </summary>
    public static Command FlashBegin(uint eraseSize, uint blockCount, uint blockSize, uint offset, uint? fifthWord = null) =>
        new(Opcode.FlashBegin, fifthWord is { } w
            ? Words(eraseSize, blockCount, blockSize, offset, w)
            : Words(eraseSize, blockCount, blockSize, offset));

    public static Command FlashData(uint sequence, ReadOnlySpan<byte> block) => Data(Opcode.FlashData, sequence, block);

    /// <summary>FLASH_END: flag 0 = reboot, 1 = run user code (ROM) / stay in the loader (stub).</summary>
    public static Command FlashEnd(uint flag) => new(Opcode.FlashEnd, Words(flag));

    public static Command FlashDeflBegin(uint size, uint blockCount, uint blockSize, uint offset, uint? fifthWord = null) =>
        new(Opcode.FlashDeflBegin, fifthWord is { } w
            ? Words(size, blockCount, blockSize, offset, w)
            : Words(size, blockCount, blockSize, offset));

    public static Command FlashDeflData(uint sequence, ReadOnlySpan<byte> block) => Data(Opcode.FlashDeflData, sequence, block);

    public static Command FlashDeflEnd(uint flag) => new(Opcode.FlashDeflEnd, Words(flag));

    public static Command FlashEncryptData(uint sequence, ReadOnlySpan<byte> block) => Data(Opcode.FlashEncryptData, sequence, block);

    /// <summary>SPI_SET_PARAMS: id, total size, block, sector, page size, status mask.</summary>
    public static Command SpiSetParams(
        uint totalSize, uint id = 0, uint blockSize = 0x10000, uint sectorSize = 0x1000, uint pageSize = 0x100, uint statusMask = 0xFFFF) =>
        new(Opcode.SpiSetParams, Words(id, totalSize, blockSize, sectorSize, pageSize, statusMask));

    /// <summary>SPI_ATTACH: the ROM takes a second, "legacy" zero word; the stub takes only the config.</summary>
    public static Command SpiAttach(uint config, bool forRom) =>
        new(Opcode.SpiAttach, forRom ? Words(config, 0) : Words(config));

    public static Command ReadFlashSlow(uint offset, uint length) => new(Opcode.ReadFlashSlow, Words(offset, length));

    /// <summary>CHANGE_BAUDRATE: new baud and the current one (the ROM wants 0 there, the stub the real value).</summary>
    public static Command ChangeBaudrate(uint newBaud, uint oldBaud) => new(Opcode.ChangeBaudrate, Words(newBaud, oldBaud));

    public static Command SpiFlashMd5(uint address, uint size) => new(Opcode.SpiFlashMd5, Words(address, size, 0, 0));

    public static Command GetSecurityInfo() => new(Opcode.GetSecurityInfo, Array.Empty<byte>());

    public static Command EraseFlash() => new(Opcode.EraseFlash, Array.Empty<byte>());

    public static Command EraseRegion(uint offset, uint size) => new(Opcode.EraseRegion, Words(offset, size));

    public static Command ReadFlash(uint offset, uint length, uint packetSize, uint maxInFlight) =>
        new(Opcode.ReadFlash, Words(offset, length, packetSize, maxInFlight));

    public static Command RunUserCode() => new(Opcode.RunUserCode, Array.Empty<byte>());

    /// <summary>The host's acknowledgement during stub READ_FLASH: total bytes received so far.</summary>
    public static byte[] ReadFlashAck(uint totalReceived) => Words(totalReceived);

    /// <summary>Length of what <see cref="WriteDataHead"/> writes: the packet header and the data sub-header.</summary>
    public const int DataHeadLength = Command.HeaderLength + DataHeaderLength;

    /// <summary>
    /// Writes the first <see cref="DataHeadLength"/> bytes of a *_DATA packet for <paramref name="block"/> — packet header
    /// (with the data checksum) and <c>len, seq, 0, 0</c> — so the block itself can follow from where it lies.
    /// The bytes equal the start of <see cref="Data"/>'s packet.
    /// </summary>
    public static void WriteDataHead(Span<byte> destination, Opcode opcode, uint sequence, ReadOnlySpan<byte> block)
    {
        int size = DataHeaderLength + block.Length;
        if (size > ushort.MaxValue)
        {
            throw new InvalidOperationException($"Command data of {size} bytes does not fit the 16-bit size field.");
        }

        destination[..DataHeadLength].Clear();
        destination[0] = Command.Direction;
        destination[1] = (byte)opcode;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], (ushort)size);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], DataChecksum.Compute(block));
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], (uint)block.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], sequence);
    }

    /// <summary>A *_DATA command: <c>len, seq, 0, 0</c> + block, with the data checksum in the header.</summary>
    public static Command Data(Opcode opcode, uint sequence, ReadOnlySpan<byte> block)
    {
        var payload = new byte[DataHeaderLength + block.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(payload, (uint)block.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(4), sequence);
        block.CopyTo(payload.AsSpan(DataHeaderLength));
        return new Command(opcode, payload, DataChecksum.Compute(block));
    }

    private static byte[] Words(params ReadOnlySpan<uint> words)
    {
        var bytes = new byte[words.Length * 4];
        for (int i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), words[i]);
        }

        return bytes;
    }
}
