using Station.Traceability.Csv;
using Station.Traceability.Tests.Support;

namespace Station.Traceability.Tests.Csv;

public class UnitCsvFormatTests
{
    [Fact]
    public void HeaderLine_IsTheDocumentedColumnsInOrder()
    {
        Assert.Equal(
            "record_id,batch,station_id,operator,slot,port,unit,attempt,started,ended,mac,chip,chip_revision,flash_id,flash_size,"
            + "profile,profile_version,profile_sha256,image_sha256,md5_verified,baud,retries,result,error_code,cause,remedy,"
            + "t_connect_s,t_identify_s,t_baud_s,t_stub_s,t_attach_s,t_write_s,t_verify_s,t_reset_s,t_boot_check_s,other_steps,boot_check,events,event_kinds,"
            + "serial,nvs_sha256,device_values,master_row,efuse,operation,slot_name,usb\n",
            UnitCsvFormat.HeaderLine);
    }

    [Fact]
    public void FormatRow_PassingRecord_WritesEveryCell()
    {
        var record = Records.Pass() with { RecordId = "r1", Started = new DateTimeOffset(2025, 3, 4, 10, 0, 0, 250, TimeSpan.FromHours(2)) };
        record = record with { Ended = record.Started.AddSeconds(9.5) };

        string row = UnitCsvFormat.FormatRow(UnitCsvRow.From(record));

        Assert.Equal(
            "r1,B1,ST-01,alice,1,/dev/ttyUSB0,1,1,2025-03-04T08:00:00.250+00:00,2025-03-04T08:00:09.750+00:00,24:0A:C4:12:34:56,ESP32-S3,v0.2,0x1640EF,4MB,"
            + $"sensor-node,1.4.0,{record.ProfileSha256},0x1000={Records.BootloaderSha};0x10000={Records.AppSha},0x1000=ok;0x10000=ok,921600,1,PASS,,,,"
            + "0.432,0.050,,,,6.500,0.750,,,flash_id=0.010,app ready/PASS,2,baud=1;retry.connect=1,,,,,,flash,,\n",
            row);
    }

    [Fact]
    public void FormatRow_DeviceData_ShowsSerialDigestValuesRowAndEfuse()
    {
        var record = Records.Pass() with
        {
            DeviceData = new DeviceDataRecord("SN-2026000007", 0x9000, "ab12", new Dictionary<string, string> { ["wifi.psk"] = "***", ["device.serial"] = "SN-2026000007" },
                MasterRow: 7, Efuse: new EfuseRecord("BLOCK3", "dry-run", ["00000000", "00000000"], ["36303132", "00000000"])),
        };

        var row = UnitCsvRow.From(record);

        Assert.Equal(("SN-2026000007", "ab12", "device.serial=SN-2026000007;wifi.psk=***", 7), (row.Serial, row.NvsSha256, row.DeviceValues, row.MasterRow));
        Assert.Equal("BLOCK3 dry-run 36303132 00000000", row.Efuse);
    }

    [Fact]
    public void FormatRow_Md5Mismatch_ShowsExpectedAndActual()
    {
        var record = Records.Fail("E-VERIFY-MD5", "MD5 differs") with { Regions = [Records.Bootloader(), Records.App(actualMd5: "cccccccccccccccccccccccccccccccc")] };

        var row = UnitCsvRow.From(record);

        Assert.Equal("0x1000=ok;0x10000=MISMATCH(bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/cccccccccccccccccccccccccccccccc)", row.Md5Verified);
        Assert.Equal(UnitResult.Fail, row.Result);
    }

    [Fact]
    public void FormatRow_NothingReadBack_SaysNotVerifiedOnce()
    {
        var record = Records.Fail("E-CONNECT-NO-SYNC", "No SYNC", mac: null) with { Regions = [Records.Bootloader(verified: false), Records.App(actualMd5: null)] };

        Assert.Equal("not-verified", UnitCsvRow.From(record).Md5Verified);
    }

    [Fact]
    public void FormatRow_PartlyVerified_MarksTheRestNotVerified()
    {
        var record = Records.Fail("E-TIMEOUT", "Timed out");

        Assert.Equal("0x1000=ok;0x10000=not-verified", UnitCsvRow.From(record).Md5Verified);
    }

    [Fact]
    public void FormatRow_TextWithNewlinesAndCommas_StaysOnOneLineAndQuoted()
    {
        var record = Records.Fail("E-X", "first line\nsecond, \"quoted\"\r\nthird\0");

        string row = UnitCsvFormat.FormatRow(UnitCsvRow.From(record));

        Assert.Single(row.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain('\0', row);
        Assert.Contains("\"first line second, \"\"quoted\"\"  third \"", row);
    }

    [Fact]
    public void FormatRow_NoMacNoBaudNoBootCheck_LeavesCellsBlank()
    {
        var record = Records.Fail("E-CONNECT-NO-SYNC", "No SYNC", mac: null) with { Baud = null, BootCheck = null, StepSeconds = new Dictionary<string, double>(), Events = [] };

        var cells = UnitCsvFormat.FormatRow(UnitCsvRow.From(record)).TrimEnd('\n').Split(',');
        var columns = UnitCsvRowMap.ColumnNames.ToList();

        Assert.Equal(columns.Count, cells.Length);
        foreach (string blank in new[] { "mac", "chip", "baud", "t_connect_s", "other_steps", "boot_check", "event_kinds" })
        {
            Assert.Equal("", cells[columns.IndexOf(blank)]);
        }

        Assert.Equal("0", cells[columns.IndexOf("events")]);
    }
}
