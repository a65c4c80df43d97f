using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Station.Cli.Options;
using Station.Profiles;
using Station.Traceability.Json;
using Station.Traceability.Ledger;

namespace Station.Cli.Commands;

/// <summary>
/// <c>station ledger list|audit</c>: what QA asks of the serial-number ledger. <c>list</c> prints every serial of a
/// product with its MAC, station, batch and latest verdict; <c>audit</c> proves there is no gap and no duplicate
/// and names every serial whose unit never got a verdict. The product and ledger come from a profile
/// (<c>--profile</c>) or are given directly (<c>--product</c>, <c>--ledger</c>).
/// </summary>
public static class LedgerCommand
{
    /// <summary>Exit code of <c>audit</c> when the ledger breaks one of its promises.</summary>
    public const int AuditFailed = 4;

    public static Command Create(CommandContext context) =>
        new("ledger", "Read the serial-number ledger: every serial with its MAC and verdict, or an audit for gaps and duplicates")
        {
            Sub(context, "list", "Every serial of the product in sequence order: MAC, station, batch, latest verdict", ListAsync),
            Sub(context, "audit", "Check the product's serials: no gap, no duplicate, and which units never got a verdict (exit 4 on a problem)", AuditAsync),
        };

    private static Command Sub(CommandContext context, string name, string description,
        Func<CommandContext, ISerialLedger, string, bool, CancellationToken, Task<int>> body)
    {
        var profile = new Option<string?>("--profile") { Description = "Take the product and ledger setting from this profile's deviceData section" };
        var product = new Option<string?>("--product") { Description = "The product whose serials to read (overrides the profile's)" };
        var ledgerSetting = new Option<string?>("--ledger") { Description = "Ledger connection: a SQLite file, Host=… or postgres://… (default: the profile's, else <reports>/ledger.db)" };
        var reports = new Option<string>("--reports") { Description = "The reports folder holding ledger.db", DefaultValueFactory = _ => "reports" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command(name, description) { profile, product, ledgerSetting, reports, json };
        command.SetAction((result, ct) => context.RunAsync(async token =>
        {
            var settings = result.GetValue(profile) is { } path ? LoadDeviceData(path) : null;
            string productName = result.GetValue(product) ?? settings?.Serial?.Product
                ?? throw new UsageException("give --product P, or --profile FILE whose deviceData.serial names the product.");
            string? connection = result.GetValue(ledgerSetting) ?? settings?.Ledger;
            string reportsDir = Path.GetFullPath(result.GetValue(reports)!);
            if (connection is null && !File.Exists(Path.Combine(reportsDir, "ledger.db")))
            {
                throw new UsageException($"there is no ledger at {Path.Combine(reportsDir, "ledger.db")}; pass --reports DIR or --ledger CONNECTION.");
            }

            await using var ledger = await SerialLedgers.OpenAsync(connection, reportsDir, token);
            return await body(context, ledger, productName, result.GetValue(json), token);
        }, ct));
        return command;
    }

    private static DeviceDataSettings LoadDeviceData(string path)
    {
        try
        {
            return ProfileLoader.Load(path).DeviceData
                ?? throw new UsageException($"{path} has no deviceData section, so it allocates no serials.");
        }
        catch (ProfileException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static async Task<int> ListAsync(CommandContext context, ISerialLedger ledger, string product, bool json, CancellationToken cancellationToken)
    {
        var entries = await ledger.ListAsync(product, cancellationToken);
        if (json)
        {
            await context.Out.WriteLineAsync(JsonSerializer.Serialize(entries, UnitRecordJson.Options));
            return ExitCodes.Success;
        }

        await context.Out.WriteLineAsync($"{entries.Count} serial(s) of {product} in {ledger.Location}");
        await context.Out.WriteLineAsync($"{"seq",6}  {"serial",-20} {"mac",-17}  {"station",-12} {"batch",-20} {"allocated (UTC)",-19}  latest");
        foreach (var e in entries)
        {
            string latest = e.Outcome is { } o ? $"{o.Result.ToString().ToUpperInvariant()} {o.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} ({o.StationId})" : "no verdict";
            await context.Out.WriteLineAsync(
                $"{e.Seq,6}  {e.Serial,-20} {e.Mac,-17}  {e.StationId,-12} {e.Batch,-20} {e.AllocatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),-19}  {latest}");
        }

        return ExitCodes.Success;
    }

    private static async Task<int> AuditAsync(CommandContext context, ISerialLedger ledger, string product, bool json, CancellationToken cancellationToken)
    {
        var report = await LedgerAudit.RunAsync(ledger, product, cancellationToken);
        if (json)
        {
            await context.Out.WriteLineAsync(JsonSerializer.Serialize(report, UnitRecordJson.Options));
        }
        else
        {
            await context.Out.WriteLineAsync($"{product} in {ledger.Location}: {report.Count} serial(s), {(report.IsClean ? "no gap, no duplicate" : $"{report.Problems.Count} problem(s)")}");
            foreach (string problem in report.Problems)
            {
                await context.Out.WriteLineAsync($"  PROBLEM {problem}");
            }

            foreach (var entry in report.WithoutOutcome)
            {
                await context.Out.WriteLineAsync($"  no verdict: {entry.Serial} bound to {entry.Mac} (station {entry.StationId}, batch {entry.Batch}) — the station stopped before the unit finished; it was never passed");
            }
        }

        return report.IsClean ? ExitCodes.Success : AuditFailed;
    }
}
