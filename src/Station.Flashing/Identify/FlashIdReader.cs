using Station.Protocol.Chips;

namespace Station.Flashing.Identify;

/// <summary>
/// Runs a SPI flash "user command" through the chip's SPI controller registers (works in ROM and
/// stub alike) — here JEDEC RDID (0x9F), 24 bits back (esp-serial-protocol.md §10.3).
/// </summary>
public sealed class FlashIdReader(
    Func<uint, CancellationToken, Task<uint>> readReg,
    Func<uint, uint, CancellationToken, Task> writeReg)
{
    private const uint UsrCommand = 1u << 31;
    private const uint UsrMiso = 1u << 28;
    private const uint CmdUsr = 1u << 18;
    private const byte Rdid = 0x9F;
    private const int ReadBits = 24;

    public async Task<FlashId> ReadAsync(ChipSpec chip, CancellationToken cancellationToken)
    {
        var spi = chip.Spi;
        uint oldUsr = await readReg(spi.Usr, cancellationToken).ConfigureAwait(false);
        uint oldUsr2 = await readReg(spi.Usr2, cancellationToken).ConfigureAwait(false);

        if (spi.MisoDataLength is { } misoLength)
        {
            await writeReg(misoLength, ReadBits - 1, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // ESP8266: MISO bit length lives in USR1 bits 8.., MOSI in bits 17..
            await writeReg(spi.Usr1, (ReadBits - 1) << 8, cancellationToken).ConfigureAwait(false);
        }

        await writeReg(spi.Usr, UsrCommand | UsrMiso, cancellationToken).ConfigureAwait(false);
        await writeReg(spi.Usr2, (7u << 28) | Rdid, cancellationToken).ConfigureAwait(false);
        await writeReg(spi.W0, 0, cancellationToken).ConfigureAwait(false);
        await writeReg(spi.Cmd, CmdUsr, cancellationToken).ConfigureAwait(false);

        bool done = false;
        for (int i = 0; i < 10 && !done; i++)
        {
            done = (await readReg(spi.Cmd, cancellationToken).ConfigureAwait(false) & CmdUsr) == 0;
        }

        if (!done)
        {
            throw new Errors.FlashException(new Errors.FlashError(Errors.ErrorCodes.FlashNotDetected,
                "the SPI controller never finished the flash ID command", "Set the unit aside and check the flash chip.") { Permanent = true });
        }

        uint id = await readReg(spi.W0, cancellationToken).ConfigureAwait(false) & 0xFF_FFFF;
        await writeReg(spi.Usr, oldUsr, cancellationToken).ConfigureAwait(false);
        await writeReg(spi.Usr2, oldUsr2, cancellationToken).ConfigureAwait(false);
        return new FlashId(id);
    }
}
