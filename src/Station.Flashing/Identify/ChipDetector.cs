using System.Buffers.Binary;
using Station.Flashing.Device;
using Station.Flashing.Errors;
using Station.Flashing.Loader;
using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Protocol.Status;

namespace Station.Flashing.Identify;

/// <summary>
/// Finds out which chip answers: GET_SECURITY_INFO first (its chip id works on ESP32-S3 and newer,
/// even in Secure Download Mode), then the magic register for chips that lack the command.
/// </summary>
public sealed class ChipDetector(LoaderClient client)
{
    public async Task<(ChipSpec Chip, SecurityInfo? Security)> DetectAsync(CancellationToken cancellationToken)
    {
        var security = await ReadSecurityInfoAsync(cancellationToken).ConfigureAwait(false);
        if (security?.ChipId is { } chipId)
        {
            var byId = ChipCatalogue.ByImageChipId(chipId)
                ?? throw new FlashException(FlashErrors.UnknownChip(chipId).With("source", "GET_SECURITY_INFO chip id"));
            return (byId, security);
        }

        uint magic;
        try
        {
            var reply = await client.ExecuteAsync(Requests.ReadReg(ChipCatalogue.MagicRegister), 0, CommandTimeouts.Default, cancellationToken)
                .ConfigureAwait(false);
            magic = reply.Value;
        }
        catch (FlashException e) when (security is not null && e.DeviceError?.Code == (byte)RomErrorCode.InvalidMessage)
        {
            // Register reads are refused in Secure Download Mode; the 12-byte security info is ESP32-S2's.
            return (ChipCatalogue.Esp32S2, security);
        }

        var chip = ChipCatalogue.ByMagic(magic) ?? throw new FlashException(FlashErrors.UnknownChip(magic));
        return (chip, security);
    }

    /// <summary>
    /// Reads GET_SECURITY_INFO without knowing the status length yet: the status is read right after the
    /// 20-byte (S3 and newer) or 12-byte (S2) result; ESP32 and ESP8266 ROMs reject the command.
    /// </summary>
    private async Task<SecurityInfo?> ReadSecurityInfoAsync(CancellationToken cancellationToken)
    {
        await client.SendAsync(Requests.GetSecurityInfo(), cancellationToken).ConfigureAwait(false);
        var response = await client.ReadResponseAsync(Opcode.GetSecurityInfo, CommandTimeouts.Default, cancellationToken).ConfigureAwait(false);
        var data = response.Data.Span;
        int resultLength = data.Length >= 22 && data[20] == 0 ? 20 : data.Length >= 14 && data[12] == 0 ? 12 : 0;
        if (resultLength == 0)
        {
            return null;
        }

        return new SecurityInfo(
            BinaryPrimitives.ReadUInt32LittleEndian(data),
            data[4],
            resultLength == 20 ? BinaryPrimitives.ReadUInt32LittleEndian(data[12..]) : null,
            resultLength == 20 ? BinaryPrimitives.ReadUInt32LittleEndian(data[16..]) : null);
    }
}
