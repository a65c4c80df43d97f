using System.CommandLine;
using Station.Cli.Options;
using Station.Flashing.Errors;
using Station.Flashing.Sessions;
using Station.Flashing.Write;
using Station.Protocol.Images;
using Station.Protocol.Status;

namespace Station.Cli.Commands;

/// <summary><c>station verify</c>: compare flash with files by MD5, writing nothing.</summary>
public static class VerifyCommand
{
    public static Command Create(CommandContext context)
    {
        var device = new DeviceOptions();
        var mode = new Option<string>("--flash-mode") { Description = "Header values the files were flashed with (bootloader), or keep", DefaultValueFactory = _ => "keep" };
        var freq = new Option<string>("--flash-freq") { DefaultValueFactory = _ => "keep" };
        var size = new Option<string>("--flash-size") { DefaultValueFactory = _ => "keep" };
        var images = new Argument<string[]>("ADDR FILE") { Description = "Address and file pairs", Arity = ArgumentArity.OneOrMore };
        var command = new Command("verify", "Check that flash holds the given files (MD5), without writing");
        device.AddTo(command);
        command.Add(mode);
        command.Add(freq);
        command.Add(size);
        command.Add(images);
        command.SetAction((result, ct) => context.RunAsync(async token =>
        {
            var sources = ImageArguments.Read(result.GetValue(images)!);
            FlashPlan.Validate(sources);
            var settings = new FlashSettings(Keep(result.GetValue(mode)), Keep(result.GetValue(freq)), Keep(result.GetValue(size)));
            var options = device.Build(result);
            await using var link = await context.OpenAsync(result.GetValue(device.Port)!, token);
            var results = await context.Reporter.ShowAsync(async events =>
            {
                var ready = await DeviceSession.OpenAsync(link, options, context.Time, events, token);
                if (ready.Device.Loader == LoaderKind.Esp8266Rom)
                {
                    throw new FlashException(FlashErrors.Unsupported("verifying", "the ESP8266 ROM loader cannot compute MD5"));
                }

                var plan = FlashPlan.Prepare(sources, ready.Device.Chip, settings, compress: false);
                plan.CheckFits(ready.FlashSize);
                var found = new List<(PreparedRegion Region, string Actual)>();
                foreach (var region in plan.Regions)
                {
                    found.Add((region, await ready.Device.ComputeMd5Async(region.Address, (uint)region.Data.Length, token)));
                }

                await ready.Device.ResetAsync(options.After, token);
                return found;
            });

            int mismatches = 0;
            foreach (var (region, actual) in results)
            {
                bool same = actual == region.Md5;
                mismatches += same ? 0 : 1;
                await context.Out.WriteLineAsync(
                    $"0x{region.Address:X8}  {region.Name}: {(same ? "matches" : $"DIFFERS (expected md5 {region.Md5}, flash has {actual})")}");
            }

            if (mismatches > 0)
            {
                var first = results.First(r => r.Actual != r.Region.Md5);
                var error = FlashErrors.Md5Mismatch(first.Region.Address, first.Region.Md5, first.Actual);
                Output.ConsoleReporter.PrintError(context.Error, error);
                return ExitCodes.For(error);
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static string? Keep(string? value) => value is null || value.Equals("keep", StringComparison.OrdinalIgnoreCase) ? null : value;
}
