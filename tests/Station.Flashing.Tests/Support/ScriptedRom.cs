using System.Buffers.Binary;
using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Protocol.Status;

namespace Station.Flashing.Tests.Support;

/// <summary>
/// Just enough of a ROM loader, written per the reference tables, to drive the client through a
/// session: SYNC ×8, security info or magic, zero registers, and OK for everything else.
/// Tests override individual opcodes through <see cref="Override"/>.
/// </summary>
internal sealed class ScriptedRom
{
    private readonly ChipSpec _chip;

    public ScriptedRom(ChipSpec chip, bool stubRunning = false)
    {
        _chip = chip;
        Kind = stubRunning ? LoaderKind.Stub : chip.Rom == RomFamily.Esp8266 ? LoaderKind.Esp8266Rom : LoaderKind.Esp32Rom;
    }

    public LoaderKind Kind { get; set; }

    public Func<Command, ScriptedDevice, Task<bool>>? Override { get; set; }

    /// <summary>What a read of SPI W0 returns: the JEDEC id the SPI engine would leave there.</summary>
    public uint FlashJedecId { get; init; } = 0x1640EF;

    public async Task Handle(Command command, ScriptedDevice device)
    {
        if (Override is not null && await Override(command, device))
        {
            return;
        }

        switch (command.Opcode)
        {
            case Opcode.Sync:
                for (int i = 0; i < 8; i++)
                {
                    await device.Ok(command, Kind, value: Kind == LoaderKind.Stub ? 0u : 0x2012_0707);
                }

                break;
            case Opcode.GetSecurityInfo when _chip.SecurityInfoLength == 0 && Kind != LoaderKind.Stub:
                await device.Fail(command, Kind, (byte)RomErrorCode.InvalidMessage);
                break;
            case Opcode.GetSecurityInfo:
                var info = new byte[_chip.SecurityInfoLength];
                if (info.Length == 20)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(12), _chip.ImageChipId!.Value);
                }

                await device.Ok(command, Kind, result: info);
                break;
            case Opcode.ReadReg:
                uint address = BinaryPrimitives.ReadUInt32LittleEndian(command.Data.Span);
                uint value = address == ChipCatalogue.MagicRegister ? _chip.MagicValues[0] : address == _chip.Spi.W0 ? FlashJedecId : 0;
                await device.Ok(command, Kind, value: value);
                break;
            case Opcode.SpiFlashMd5:
                await device.Ok(command, Kind, result: Kind == LoaderKind.Stub ? new byte[16] : System.Text.Encoding.ASCII.GetBytes(new string('0', 32)));
                break;
            default:
                await device.Ok(command, Kind);
                break;
        }
    }
}
