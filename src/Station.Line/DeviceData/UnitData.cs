using System.Text.Json;
using Station.Flashing.Write;
using Station.Traceability;
using Station.Traceability.Ledger;

namespace Station.Line.DeviceData;

/// <summary>What makes one unit unique, built before anything is written to it.</summary>
/// <param name="Values">"namespace.key" → value as written, secrets as "***".</param>
/// <param name="MasterRow">1-based row of the mass-manufacturing values the unit took.</param>
internal sealed record UnitData(string? Serial, int? MasterRow, PreparedRegion? NvsRegion, uint NvsSize, IReadOnlyDictionary<string, string> Values)
{
    public const string Redacted = "***";

    /// <summary>The values templates were rendered with (eFuse texts are rendered from the same).</summary>
    public required Station.DeviceData.Templates.TemplateValues Template { get; init; }

    public string? NvsSha256 => NvsRegion is { } r ? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(r.Data)) : null;

    public DeviceDataRecord ToRecord(EfuseRecord? efuse) => new(Serial, NvsRegion?.Address, NvsSha256, Values, MasterRow, efuse);

    /// <summary>The ledger's copy of the unit's data (with the NVS image itself), so QA can re-check the unit later.</summary>
    public LedgerDeviceData? ToLedger(EfuseRecord? efuse) => NvsRegion is { } nvs
        ? LedgerDeviceData.FromImage(nvs.Address, NvsSize, nvs.Data, JsonSerializer.Serialize(Values),
            efuse is null ? null : string.Join(' ', efuse.WordsBefore), efuse is null ? null : string.Join(' ', efuse.WordsAfter))
        : null;
}
