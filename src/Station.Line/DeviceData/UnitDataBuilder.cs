using System.Data.Common;
using Station.DeviceData.MassManufacturing;
using Station.DeviceData.Nvs;
using Station.DeviceData.Nvs.Csv;
using Station.DeviceData.Templates;
using Station.Flashing.Errors;
using Station.Flashing.Write;
using Station.Line.Jobs;
using Station.Profiles;
using Station.Protocol.Chips;
using Station.Protocol.Images;
using Station.Traceability.Ledger;

namespace Station.Line.DeviceData;

/// <summary>
/// Builds one unit's per-device data once it is identified: its serial (allocated, or found again by
/// MAC), its mass-manufacturing row, and its NVS partition — rendered from the profile's templates,
/// built in ESP-IDF's format and read back before it may be flashed.
/// </summary>
internal static class UnitDataBuilder
{
    public static async Task<UnitData> BuildAsync(LineJob job, DeviceDataJob data, MacAddress mac, int regionIndex, CancellationToken cancellationToken)
    {
        string macText = mac.ToString();
        var now = job.Time.GetUtcNow();
        var identity = job.Identity;
        string? serial = null;
        if (data.Settings.Serial is { } settings)
        {
            var allocation = await Ledger(() => data.Ledger.AllocateAsync(
                new SerialRequest(settings.Product, macText, data.Format!, identity.StationId, identity.Batch, now), cancellationToken)).ConfigureAwait(false);
            serial = allocation.Entry.Serial;
        }

        MfgDevice? row = null;
        int? rowNumber = null;
        if (data.MasterRows is { } rows)
        {
            var claim = await Ledger(() => data.Ledger.ClaimMasterRowAsync(
                new MasterRowRequest(data.MasterSourceId!, macText, rows.Count, identity.StationId, now), cancellationToken)).ConfigureAwait(false);
            rowNumber = claim.Row;
            row = rows[claim.Row - 1];
        }

        if (data.Settings.Nvs is not { } nvs)
        {
            return new UnitData(serial, rowNumber, null, 0, new Dictionary<string, string>())
            {
                Template = new TemplateValues(serial, macText, identity.Batch, identity.StationId, now, row?.Values),
            };
        }

        var template = new TemplateValues(serial, macText, identity.Batch, identity.StationId, now, row?.Values);
        var entries = new List<Entry>();
        var shown = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var value in nvs.Entries)
            {
                string text = value.Type == "file" ? value.FilePath! : value.Value.Render(template);
                entries.Add(new Entry(value.Namespace, value.Key, value.Type, value.Encoding, text));
                shown[$"{value.Namespace}.{value.Key}"] = value.Secret ? UnitData.Redacted
                    : value.Type == "file" ? $"file {Path.GetFileName(value.FilePath)} ({data.Files[value.FilePath!].Length} bytes)" : text;
            }
        }
        catch (TemplateException e)
        {
            throw new FlashException(LineErrors.DeviceData(e.Message));
        }

        if (row is not null)
        {
            entries.AddRange(FromMasterRow(row));
            foreach (var entry in FromMasterRow(row))
            {
                shown[$"{entry.Namespace}.{entry.Key}"] = nvs.Values!.SecretKeys.Contains(entry.Key) ? UnitData.Redacted : entry.Value;
            }
        }

        byte[] image = BuildImage(entries, nvs, data);
        var region = FlashPlan.Prepare([new ImageSource(nvs.Offset, image, "nvs")], job.Profile.Chip, FlashSettings.Keep, compress: true,
                CompressionEffort.Fast, cancellationToken).Regions[0]
            with { Index = regionIndex };
        return new UnitData(serial, rowNumber, region, nvs.Size, shown) { Template = template };
    }

    /// <summary>Generator rows grouped by namespace (each declared once, in first-use order), then built and read back.</summary>
    private static byte[] BuildImage(List<Entry> entries, NvsSettings nvs, DeviceDataJob data)
    {
        var rows = new List<NvsCsvRow>();
        int line = 1;
        foreach (var group in entries.GroupBy(e => e.Namespace, StringComparer.Ordinal))
        {
            rows.Add(new NvsCsvRow(line++, group.Key, "namespace", null, null));
            rows.AddRange(group.Select(e => new NvsCsvRow(line++, e.Key, e.Type, e.Encoding, e.Value)));
        }

        var version = nvs.Version == 1 ? NvsFormatVersion.Version1 : NvsFormatVersion.Version2;
        try
        {
            var document = NvsCsvReader.Read(rows, new NvsCsvOptions(version, data.ReadFile));
            return NvsGenerator.Generate(document, new NvsWriteOptions(nvs.Size, version)).Image.Bytes;
        }
        catch (NvsException e)
        {
            throw new FlashException(LineErrors.DeviceData(string.Join("; ", e.Errors.Select(err => $"{err.Message} [{err.Code}]"))));
        }
        catch (IOException e)
        {
            throw new FlashException(LineErrors.DeviceData($"a file value could not be read: {e.Message}"));
        }
    }

    /// <summary>The master row's entries with their namespaces (the generator rows carry namespace rows first).</summary>
    private static IEnumerable<Entry> FromMasterRow(MfgDevice row)
    {
        string ns = "";
        foreach (var r in row.Rows)
        {
            if (r.Type == "namespace")
            {
                ns = r.Key ?? "";
            }
            else
            {
                yield return new Entry(ns, r.Key ?? "", r.Type ?? "data", r.Encoding ?? "string", r.Value ?? "");
            }
        }
    }

    private static async Task<T> Ledger<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (LedgerException e)
        {
            bool permanent = e.Code is LedgerErrorCodes.MasterRowsExhausted or LedgerErrorCodes.MasterRowCountChanged or LedgerErrorCodes.SerialTaken
                or LedgerErrorCodes.SchemaTooNew or LedgerErrorCodes.Damaged;
            throw new FlashException(LineErrors.Ledger($"{e.Message} [{e.Code}]", permanent), e);
        }
        catch (DbException e)
        {
            throw new FlashException(LineErrors.Ledger(e.Message, permanent: false), e);
        }
    }

    private readonly record struct Entry(string Namespace, string Key, string Type, string Encoding, string Value);
}
