using System.Buffers.Binary;
using Station.Protocol.Chips;

namespace Station.Simulator.Loader;

/// <summary>
/// GET_SECURITY_INFO result (esp-serial-protocol.md §4): <c>u32 flags, u8 flash_crypt_cnt,
/// u8 key_purposes[7]</c> (12 bytes, ESP32-S2) <c>+ u32 chip_id, u32 api_version</c> (20 bytes,
/// ESP32-S3 and newer). A fresh chip: no secure boot, no encryption, all key purposes 0; api_version 0
/// as in the real ESP32-C6 ROM trace.
/// </summary>
internal static class SecurityInfo
{
    public static bool Supported(ChipSpec chip) => chip.SecurityInfoLength > 0;

    public static byte[] For(ChipSpec chip)
    {
        var info = new byte[chip.SecurityInfoLength];
        if (info.Length >= 20)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(12), chip.ImageChipId ?? 0);
        }

        return info;
    }
}
