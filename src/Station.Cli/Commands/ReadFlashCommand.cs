using System.CommandLine;
using Station.Cli.Options;
using Station.Flashing.Sessions;

namespace Station.Cli.Commands;

/// <summary><c>station read-flash</c>: copy a flash range to a file.</summary>
public static class ReadFlashCommand
{
    public static Command Create(CommandContext context)
    {
        var device = new DeviceOptions();
        var address = new Argument<string>("ADDR") { Description = "Start address, e.g. 0x10000" };
        var size = new Argument<string>("SIZE") { Description = "Byte count, e.g. 0x1000, 4096, 64K, 1MB" };
        var file = new Argument<string>("FILE") { Description = "Where to write the bytes" };
        var command = new Command("read-flash", "Read a flash range into a file");
        device.AddTo(command);
        command.Add(address);
        command.Add(size);
        command.Add(file);
        command.SetAction((result, ct) => context.RunAsync(async token =>
        {
            uint start = Numbers.TryParseAddress(result.GetValue(address)!, out uint a) ? a : throw new UsageException($"'{result.GetValue(address)}' is not an address.");
            uint count = Numbers.TryParseSize(result.GetValue(size)!, out uint s) && s > 0 ? s : throw new UsageException($"'{result.GetValue(size)}' is not a size.");
            string path = result.GetValue(file)!;
            var options = device.Build(result);
            await using var link = await context.OpenAsync(result.GetValue(device.Port)!, token);
            byte[] data = await context.Reporter.ShowAsync(async events =>
            {
                var ready = await DeviceSession.OpenAsync(link, options, context.Time, events, token);
                if ((ulong)start + count > ready.FlashSize)
                {
                    throw new UsageException($"0x{start:X}+0x{count:X} runs past the end of the {ready.FlashSize / 1024} KiB flash.");
                }

                var bytes = await ready.Device.ReadFlashAsync(start, (int)count, token);
                await ready.Device.ResetAsync(options.After, token);
                return bytes;
            });

            await File.WriteAllBytesAsync(path, data, token);
            await context.Out.WriteLineAsync($"Read {data.Length} bytes at 0x{start:X} into {path}.");
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
