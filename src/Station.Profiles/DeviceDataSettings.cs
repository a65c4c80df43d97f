using Station.DeviceData.Templates;

namespace Station.Profiles;

/// <summary>The per-device part of a profile (<c>$.deviceData</c>).</summary>
public sealed record DeviceDataSettings
{
    public SerialSettings? Serial { get; init; }

    /// <summary>Where serials are allocated: null = the SQLite ledger under the reports directory; "Host=…" = PostgreSQL shared by stations.</summary>
    public string? Ledger { get; init; }

    public NvsSettings? Nvs { get; init; }

    public EfuseSettings? Efuse { get; init; }
}

/// <summary>Serial numbers per product, e.g. format <c>SN-{yyyy}{seq:000000}</c>; one per MAC, never reused.</summary>
public sealed record SerialSettings(string Product, string Format);

/// <summary>The unit's NVS partition: where it goes, how big it is, and the values in it.</summary>
public sealed record NvsSettings
{
    public required uint Offset { get; init; }

    public required uint Size { get; init; }

    /// <summary>NVS format version: 2 (multi-page blobs, ESP-IDF v4+) unless the firmware needs 1.</summary>
    public int Version { get; init; } = 2;

    public required IReadOnlyList<NvsValue> Entries { get; init; }

    /// <summary>Values from ESP-IDF's mass-manufacturing layout: each unit takes the next unused row.</summary>
    public MassManufacturingValues? Values { get; init; }
}

/// <summary>
/// One NVS entry. <see cref="Type"/> is "data" (the value is a template) or "file" (the value is a path,
/// resolved to <see cref="FilePath"/>); <see cref="Encoding"/> is ESP-IDF's (u8 … i64, string, hex2bin,
/// base64, binary). Secret values are written to the unit but redacted in records and logs.
/// </summary>
public sealed record NvsValue(string Namespace, string Key, string Type, string Encoding, ValueTemplate Value, bool Secret, string? FilePath = null);

/// <summary>ESP-IDF mass-manufacturing input: a config CSV (namespaces, keys, types, encodings) and a master CSV (one row per device).</summary>
/// <param name="SecretKeys">Keys whose values are redacted in records and logs.</param>
public sealed record MassManufacturingValues(string ConfigPath, string MasterPath, IReadOnlySet<string> SecretKeys);

/// <summary>eFuse burns after the flash has verified (ESP32 BLOCK3): user data and/or a custom MAC.</summary>
public sealed record EfuseSettings
{
    /// <summary>Record what would be burned without burning anything.</summary>
    public bool DryRun { get; init; }

    public EfuseUserData? UserData { get; init; }

    /// <summary>A template giving the custom MAC (e.g. from the unit's mass-manufacturing row); null for none.</summary>
    public ValueTemplate? CustomMac { get; init; }
}

/// <summary>Bytes for BLOCK3 at <see cref="Offset"/>: a text template (ASCII) or fixed hex.</summary>
public sealed record EfuseUserData(int Offset, ValueTemplate? Text, byte[]? Bytes);
