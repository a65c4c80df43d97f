using Station.Protocol.Chips;

namespace Station.Simulator.Registers;

/// <summary>
/// Deterministic, run-unique MAC addresses: a real Espressif OUI per chip family and a 24-bit
/// NIC part <c>(mix(seed) + serial) mod 2^24</c>, where the serial numbers every board of a run
/// (the first boards of a fleet 0..N-1, boards swapped in later continue the count). Boards of one
/// run therefore never collide below 16 million boards, and the same seed always yields the same MACs.
/// </summary>
public static class DeviceMacs
{
    public static MacAddress For(ChipSpec chip, ulong seed, long serial)
    {
        ArgumentNullException.ThrowIfNull(chip);
        ArgumentOutOfRangeException.ThrowIfNegative(serial);
        ReadOnlySpan<byte> oui = Oui(chip.Kind);
        uint nic = (uint)((Mix(seed) + (ulong)serial) & 0xFF_FFFF);
        return new MacAddress([oui[0], oui[1], oui[2], (byte)(nic >> 16), (byte)(nic >> 8), (byte)nic]);
    }

    /// <summary>Espressif OUIs (IEEE registry); one per family so a dump's name hints at the chip.</summary>
    public static ReadOnlySpan<byte> Oui(ChipKind kind) => kind switch
    {
        ChipKind.Esp8266 => [0x18, 0xFE, 0x34],
        ChipKind.Esp32 => [0x24, 0x0A, 0xC4],
        ChipKind.Esp32S2 or ChipKind.Esp32S3 => [0x7C, 0xDF, 0xA1],
        ChipKind.Esp32C3 or ChipKind.Esp32C2 => [0x84, 0xF7, 0x03],
        _ => [0x30, 0xAE, 0xA4],
    };

    private static ulong Mix(ulong seed)
    {
        ulong z = seed + 0x9E37_79B9_7F4A_7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}
