using Station.Protocol.Chips;

namespace Station.Flashing.Device;

/// <summary>The security state GET_SECURITY_INFO reported (ESP32-S2 and newer).</summary>
public sealed record SecurityInfo(uint Flags, byte FlashCryptCount, uint? ChipId, uint? ApiVersion)
{
    public bool SecureBootEnabled => (Flags & 0x1) != 0;

    public bool SecureDownloadMode => (Flags & 0x4) != 0;

    /// <summary>Flash encryption is on when the crypt counter has an odd number of bits set.</summary>
    public bool FlashEncryptionEnabled => (System.Numerics.BitOperations.PopCount(FlashCryptCount) & 1) == 1;
}

/// <summary>What the station learned about the unit on the link.</summary>
public sealed record DeviceIdentity
{
    public required ChipSpec Chip { get; init; }

    /// <summary>e.g. "ESP32-D0WDQ6 (revision v0.0)".</summary>
    public required string Description { get; init; }

    /// <summary>Chip revision as "vMAJOR.MINOR", or null where the chip has no revision fields.</summary>
    public string? Revision { get; init; }

    public required IReadOnlyList<string> Features { get; init; }

    public int? CrystalMhz { get; init; }

    public required MacAddress Mac { get; init; }

    /// <summary>ESP32-C6/H2: the 8-byte EUI-64.</summary>
    public byte[]? Eui64 { get; init; }

    public SecurityInfo? Security { get; init; }

    public bool SecureDownloadMode => Security?.SecureDownloadMode == true;
}
