using System.CommandLine;
using System.Text.Json;
using Station.Cli.Options;
using Station.Traceability;
using Station.Traceability.Json;
using Station.Traceability.Reports;

namespace Station.Cli.Commands;

/// <summary>
/// <c>station report</c>: read the records QA relies on. <c>--batch B</c> sums up one batch (yield, units per
/// hour, failures by cause, retries, bauds); <c>--mac MAC</c> prints every attempt at one unit across batches.
/// An unknown batch or MAC exits with the usage code (2) and says what does exist.
/// </summary>
public static class ReportCommand
{
    public static Command Create(CommandContext context)
    {
        var batch = new Option<string?>("--batch") { Description = "Sum up one batch: yield, units per hour, failures by cause, retries by kind, bauds" };
        var mac = new Option<string?>("--mac") { Description = "Every recorded attempt at one unit across all batches, e.g. 24:0A:C4:12:34:56" };
        var reports = new Option<string>("--reports") { Description = "The reports folder", DefaultValueFactory = _ => "reports" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("report", "Read unit records: a batch summary (--batch B) or one unit's history (--mac MAC)")
        {
            batch, mac, reports, json,
        };

        command.SetAction((result, ct) => context.RunAsync(async token =>
        {
            string? batchName = result.GetValue(batch);
            string? macText = result.GetValue(mac);
            if ((batchName is null) == (macText is null))
            {
                throw new UsageException("give exactly one of --batch B or --mac MAC.");
            }

            var folder = new ReportsDirectory(result.GetValue(reports)!);
            try
            {
                return batchName is not null
                    ? await BatchAsync(context, folder, batchName, result.GetValue(json), token)
                    : await MacAsync(context, folder, macText!, result.GetValue(json), token);
            }
            catch (RecordFileException e)
            {
                await context.Error.WriteLineAsync($"Cannot read the records: {e.Message}");
                return ExitCodes.Records;
            }
        }, ct));
        return command;
    }

    private static async Task<int> BatchAsync(CommandContext context, ReportsDirectory folder, string batch, bool json, CancellationToken cancellationToken)
    {
        if (!BatchName.IsValid(batch))
        {
            throw new UsageException($"'{batch}' is not a batch name.");
        }

        if (!folder.HasUnitsCsv(batch))
        {
            await context.Error.WriteLineAsync($"No batch '{batch}' in {folder.Path}. {Found(folder)}");
            return ExitCodes.Usage;
        }

        var report = await BatchReport.ReadAsync(folder, batch, cancellationToken);
        await context.Out.WriteAsync(json ? JsonSerializer.Serialize(report, UnitRecordJson.Options) + "\n" : BatchReportText.Render(report));
        return ExitCodes.Success;
    }

    private static async Task<int> MacAsync(CommandContext context, ReportsDirectory folder, string macText, bool json, CancellationToken cancellationToken)
    {
        if (!MacAddressText.TryNormalize(macText, out string mac))
        {
            throw new UsageException($"'{macText}' is not a MAC address like 24:0A:C4:12:34:56.");
        }

        var history = await MacHistory.ReadAsync(folder, mac, cancellationToken);
        if (!history.Found)
        {
            await context.Error.WriteLineAsync($"No records for {mac} in {folder.Path} ({history.BatchesSearched} batch{(history.BatchesSearched == 1 ? "" : "es")} searched). {Found(folder)}");
            return ExitCodes.Usage;
        }

        // The same shape as by-mac/<MAC>.json, so one reader serves both.
        await context.Out.WriteAsync(json ? JsonSerializer.Serialize(new UnitHistory(history.Mac, history.Attempts), UnitRecordJson.Options) + "\n" : MacHistoryText.Render(history));
        return ExitCodes.Success;
    }

    private static string Found(ReportsDirectory folder)
    {
        var batches = folder.Batches();
        return batches.Count == 0
            ? (folder.Exists ? "It holds no batches yet." : "The folder does not exist; pass --reports DIR if the records are elsewhere.")
            : $"Batches found: {string.Join(", ", batches)}.";
    }
}
