using System.CommandLine;
using Station.Cli.Options;
using Station.Flashing.Sessions;

namespace Station.Cli.Commands;

/// <summary><c>station erase-region</c>: erase whole 4 KiB sectors.</summary>
public static class EraseRegionCommand
{
    public static Command Create(CommandContext context)
    {
        var device = new DeviceOptions();
        var address = new Argument<string>("ADDR") { Description = "Start address, a multiple of 0x1000" };
        var size = new Argument<string>("SIZE") { Description = "Byte count, a multiple of 0x1000" };
        var command = new Command("erase-region", "Erase a flash range (whole 4 KiB sectors)");
        device.AddTo(command);
        command.Add(address);
        command.Add(size);
        command.SetAction((result, ct) => context.RunAsync(async token =>
        {
            uint start = Numbers.TryParseAddress(result.GetValue(address)!, out uint a) ? a : throw new UsageException($"'{result.GetValue(address)}' is not an address.");
            uint count = Numbers.TryParseSize(result.GetValue(size)!, out uint s) && s > 0 ? s : throw new UsageException($"'{result.GetValue(size)}' is not a size.");
            var options = device.Build(result);
            await using var link = await context.OpenAsync(result.GetValue(device.Port)!, token);
            await context.Reporter.ShowAsync(async events =>
            {
                var ready = await DeviceSession.OpenAsync(link, options, context.Time, events, token);
                if ((ulong)start + count > ready.FlashSize)
                {
                    throw new UsageException($"0x{start:X}+0x{count:X} runs past the end of the {ready.FlashSize / 1024} KiB flash.");
                }

                await ready.Device.EraseRegionAsync(start, count, token);
                await ready.Device.ResetAsync(options.After, token);
                return true;
            });

            await context.Out.WriteLineAsync($"Erased 0x{start:X}..0x{start + count:X}.");
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
