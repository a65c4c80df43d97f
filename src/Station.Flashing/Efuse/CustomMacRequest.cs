using Station.Protocol.Chips;

namespace Station.Flashing.Efuse;

/// <summary>
/// A custom MAC as espefuse <c>burn_custom_mac</c> writes it (§1.6): CRC8 in byte 0, the MAC in
/// bytes 1–6 (display order), MAC_VERSION = 1 in byte 23 — one BLOCK3 burn.
/// </summary>
public sealed record CustomMacRequest(MacAddress Mac) : EfuseRequest
{
    public override string Operation => "custom-mac";

    public override string? Problem(EfuseCodingScheme coding = EfuseCodingScheme.None)
    {
        byte[] mac = Mac.GetBytes();
        if ((mac[0] & 1) != 0)
        {
            return $"{Mac} is a multicast address; a custom MAC must be unicast (first byte even)";
        }

        return mac.All(b => b == 0) ? "00:00:00:00:00:00 is not a usable MAC" : null;
    }

    internal override Block3Patch ToPatch()
    {
        byte[] mac = Mac.GetBytes();
        var patch = new Block3Patch();
        patch.Set(Esp32Block3Layout.CustomMacCrcByte, [CustomMacCrc8.Compute(mac)]);
        patch.Set(Esp32Block3Layout.CustomMacByte, mac);
        patch.Set(Esp32Block3Layout.MacVersionByte, [Esp32Block3Layout.MacVersionCustom]);
        return patch;
    }
}
