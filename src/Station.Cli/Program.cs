using Station.Cli.Commands;
using Station.Cli.Options;
using Station.Cli.Output;
using Station.Transport.Links;

var context = new CommandContext(ConsoleReporter.ForConsole(), Console.Error, TimeProvider.System, LinkFactory.Default());
var parse = StationCommand.Create(context).Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        await Console.Error.WriteLineAsync(error.Message);
    }

    await Console.Error.WriteLineAsync("Run 'station --help' for usage.");
    return ExitCodes.Usage;
}

return await parse.InvokeAsync();
