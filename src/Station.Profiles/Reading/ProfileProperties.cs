using System.Collections.Frozen;

namespace Station.Profiles.Reading;

/// <summary>
/// Every property a profile may contain, per object. The reader refuses to read a name missing here
/// and reports any other name in the file as unknown; a test holds profiles/profile.schema.json to the same table.
/// </summary>
internal static class ProfileProperties
{
    public static readonly FrozenSet<string> Root = Set(
        "$schema", "name", "version", "chip", "flash", "images", "link", "retry", "verification", "after", "bootCheck", "deviceData");

    public static readonly FrozenSet<string> Flash = Set("mode", "frequency", "size");

    public static readonly FrozenSet<string> Image = Set("name", "offset", "path", "sha256");

    public static readonly FrozenSet<string> Link = Set("initialBaud", "baudLadder", "compression");

    public static readonly FrozenSet<string> Retry = Set(
        "connectAttempts", "resetStrategies", "blockRetries", "regionRetries", "unitAttempts", "replugWaitSeconds", "slotBreaker", "timeouts");

    public static readonly FrozenSet<string> SlotBreaker = Set("consecutiveFailures", "pauseSeconds");

    public static readonly FrozenSet<string> Timeouts = Set(
        "connectSeconds", "identifySeconds", "stubSeconds", "writeBaseSeconds", "writeSecondsPerMegabyte",
        "verifyBaseSeconds", "verifySecondsPerMegabyte", "resetSeconds");

    public static readonly FrozenSet<string> Verification = Set("md5", "skipMatching");

    public static readonly FrozenSet<string> BootCheck = Set("baud", "pattern", "withinSeconds");

    public static readonly FrozenSet<string> DeviceData = Set("serial", "ledger", "nvs", "efuse");

    public static readonly FrozenSet<string> Serial = Set("product", "format");

    public static readonly FrozenSet<string> Nvs = Set("offset", "size", "version", "entries", "values");

    public static readonly FrozenSet<string> NvsEntry = Set("namespace", "key", "type", "encoding", "value", "secret");

    public static readonly FrozenSet<string> NvsValues = Set("config", "master", "secretKeys");

    public static readonly FrozenSet<string> Efuse = Set("dryRun", "userData", "customMac");

    public static readonly FrozenSet<string> EfuseUserData = Set("offset", "text", "hex");

    /// <summary>The table by object location; <c>[]</c> stands for every item of an array.</summary>
    public static readonly FrozenDictionary<string, FrozenSet<string>> ByObject = new Dictionary<string, FrozenSet<string>>
    {
        ["$"] = Root,
        ["$.flash"] = Flash,
        ["$.images[]"] = Image,
        ["$.link"] = Link,
        ["$.retry"] = Retry,
        ["$.retry.slotBreaker"] = SlotBreaker,
        ["$.retry.timeouts"] = Timeouts,
        ["$.verification"] = Verification,
        ["$.bootCheck"] = BootCheck,
        ["$.deviceData"] = DeviceData,
        ["$.deviceData.serial"] = Serial,
        ["$.deviceData.nvs"] = Nvs,
        ["$.deviceData.nvs.entries[]"] = NvsEntry,
        ["$.deviceData.nvs.values"] = NvsValues,
        ["$.deviceData.efuse"] = Efuse,
        ["$.deviceData.efuse.userData"] = EfuseUserData,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static FrozenSet<string> Set(params string[] names) => names.ToFrozenSet(StringComparer.Ordinal);
}
