using System.CommandLine;
using Station.Cli.Options;
using Station.Flashing.Sessions;
using Station.Flashing.Write;
using Station.Protocol.Chips;
using Station.Protocol.Images;

namespace Station.Cli.Commands;

/// <summary><c>station flash</c>: write images (compressed, MD5-verified) to one device.</summary>
public static class FlashCommand
{
    public static Command Create(CommandContext context)
    {
        var device = new DeviceOptions();
        var mode = new Option<string>("--flash-mode") { Description = "qio, qout, dio, dout, or keep", DefaultValueFactory = _ => "keep" };
        var freq = new Option<string>("--flash-freq") { Description = "e.g. 80m, 40m, or keep", DefaultValueFactory = _ => "keep" };
        var size = new Option<string>("--flash-size") { Description = "e.g. 4MB, or keep (use the detected size)", DefaultValueFactory = _ => "keep" };
        var noCompress = new Option<bool>("--no-compress") { Description = "Send images uncompressed" };
        var images = new Argument<string[]>("ADDR FILE") { Description = "Address and file pairs", Arity = ArgumentArity.OneOrMore };
        var command = new Command("flash", "Write images to a device and verify each by MD5");
        device.AddTo(command);
        command.Add(mode);
        command.Add(freq);
        command.Add(size);
        command.Add(noCompress);
        command.Add(images);
        command.SetAction((result, ct) => context.RunAsync(async token =>
        {
            var sources = ImageArguments.Read(result.GetValue(images)!);
            FlashPlan.Validate(sources);
            var settings = new FlashSettings(Keep(result.GetValue(mode)), Keep(result.GetValue(freq)), Keep(result.GetValue(size)));
            uint? flashSize = null;
            if (settings.Size is { } sizeName)
            {
                flashSize = FlashCodes.TryParseSize(sizeName, out uint bytes) ? bytes : throw new UsageException($"--flash-size '{sizeName}' is not a size like 4MB.");
            }

            var options = device.Build(result, flashSize);
            bool compress = !result.GetValue(noCompress);
            await using var link = await context.OpenAsync(result.GetValue(device.Port)!, token);
            var outcome = await context.Reporter.ShowAsync(async events =>
            {
                var ready = await DeviceSession.OpenAsync(link, options, context.Time, events, token);
                var plan = FlashPlan.Prepare(sources, ready.Device.Chip, settings, compress);
                return await FlashProcedure.WriteAsync(ready, plan, compress, options.After, token);
            });

            foreach (var region in outcome.Regions)
            {
                string state = region.Verified ? "verified" : "WRITTEN, NOT VERIFIED";
                await context.Out.WriteLineAsync($"0x{region.Address:X8}  {region.Size,9} bytes  md5 {region.Md5}  {state}");
            }

            await context.Out.WriteLineAsync(
                $"{outcome.Ready.Device.Identity.Mac}: {(outcome.AllVerified ? "all regions written and verified" : "written, but not every region could be verified")}.");
            return outcome.AllVerified ? ExitCodes.Success : ExitCodes.NotVerified;
        }, ct));
        return command;
    }

    private static string? Keep(string? value) => value is null || value.Equals("keep", StringComparison.OrdinalIgnoreCase) ? null : value;
}
