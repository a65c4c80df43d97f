using CsvHelper.Configuration;

namespace Station.Traceability.Csv;

/// <summary>
/// The <c>units.csv</c> layout, used for writing and reading alike. Column names are snake_case and
/// stable: QA tools and spreadsheets key on them. Add new columns at the end only; the writer refuses
/// to append to a file whose header differs from this map.
/// </summary>
public sealed class UnitCsvRowMap : ClassMap<UnitCsvRow>
{
    /// <summary>ISO-8601 with milliseconds and the offset spelled out (rows are written in UTC: <c>+00:00</c>).</summary>
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffzzz";

    /// <summary>Seconds with three decimals.</summary>
    public const string SecondsFormat = "0.000";

    /// <summary>The step names that have a column of their own (keys of <see cref="UnitRecord.StepSeconds"/>).</summary>
    public static readonly IReadOnlyList<string> StepColumns = ["connect", "identify", "baud", "stub", "attach", "write", "verify", "reset", "boot_check"];

    public UnitCsvRowMap()
    {
        Map(r => r.RecordId).Name("record_id");
        Map(r => r.Batch).Name("batch");
        Map(r => r.StationId).Name("station_id");
        Map(r => r.Operator).Name("operator");
        Map(r => r.Slot).Name("slot");
        Map(r => r.Port).Name("port");
        Map(r => r.Unit).Name("unit");
        Map(r => r.Attempt).Name("attempt");
        Map(r => r.Started).Name("started").TypeConverterOption.Format(TimeFormat);
        Map(r => r.Ended).Name("ended").TypeConverterOption.Format(TimeFormat);
        Optional(Map(r => r.Mac).Name("mac"));
        Optional(Map(r => r.Chip).Name("chip"));
        Optional(Map(r => r.ChipRevision).Name("chip_revision"));
        Optional(Map(r => r.FlashId).Name("flash_id"));
        Optional(Map(r => r.FlashSize).Name("flash_size"));
        Map(r => r.Profile).Name("profile");
        Map(r => r.ProfileVersion).Name("profile_version");
        Map(r => r.ProfileSha256).Name("profile_sha256");
        Optional(Map(r => r.ImageSha256).Name("image_sha256"));
        Map(r => r.Md5Verified).Name("md5_verified");
        Map(r => r.Baud).Name("baud");
        Map(r => r.Retries).Name("retries");
        Map(r => r.Result).Name("result").TypeConverter<ResultCellConverter>();
        Optional(Map(r => r.ErrorCode).Name("error_code"));
        Optional(Map(r => r.Cause).Name("cause"));
        Optional(Map(r => r.Remedy).Name("remedy"));
        Seconds(Map(r => r.ConnectSeconds).Name("t_connect_s"));
        Seconds(Map(r => r.IdentifySeconds).Name("t_identify_s"));
        Seconds(Map(r => r.BaudSeconds).Name("t_baud_s"));
        Seconds(Map(r => r.StubSeconds).Name("t_stub_s"));
        Seconds(Map(r => r.AttachSeconds).Name("t_attach_s"));
        Seconds(Map(r => r.WriteSeconds).Name("t_write_s"));
        Seconds(Map(r => r.VerifySeconds).Name("t_verify_s"));
        Seconds(Map(r => r.ResetSeconds).Name("t_reset_s"));
        Seconds(Map(r => r.BootCheckSeconds).Name("t_boot_check_s"));
        Optional(Map(r => r.OtherSteps).Name("other_steps"));
        Optional(Map(r => r.BootCheck).Name("boot_check"));
        Map(r => r.Events).Name("events");
        Optional(Map(r => r.EventKinds).Name("event_kinds"));
        Optional(Map(r => r.Serial).Name("serial"));
        Optional(Map(r => r.NvsSha256).Name("nvs_sha256"));
        Optional(Map(r => r.DeviceValues).Name("device_values"));
        Map(r => r.MasterRow).Name("master_row");
        Optional(Map(r => r.Efuse).Name("efuse"));
        Map(r => r.Operation).Name("operation");

        // Added later: optional when reading, so batches written before them still read.
        Optional(Map(r => r.SlotName).Name("slot_name")).Optional();
        Optional(Map(r => r.Usb).Name("usb")).Optional();
    }

    /// <summary>Column names in file order, as the header row spells them.</summary>
    public static IReadOnlyList<string> ColumnNames { get; } = [.. new UnitCsvRowMap().MemberMaps.Select(m => m.Data.Names[0])];

    // A blank cell reads back as null, not "", so "absent" survives the round trip.
    private static MemberMap Optional(MemberMap map)
    {
        map.TypeConverterOption.NullValues(string.Empty);
        return map;
    }

    private static void Seconds(MemberMap map) => map.TypeConverterOption.Format(SecondsFormat);
}
