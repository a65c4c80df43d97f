using System.CommandLine;

namespace Station.Cli.Commands;

/// <summary>The <c>station</c> root command with every subcommand.</summary>
public static class StationCommand
{
    public static RootCommand Create(CommandContext context)
    {
        var root = new RootCommand("Station: production-line mass flashing for Espressif chips")
        {
            InfoCommand.Create(context),
            FlashCommand.Create(context),
            VerifyCommand.Create(context),
            ReadFlashCommand.Create(context),
            EraseRegionCommand.Create(context),
            SimulateCommand.Create(context),
            DemoCommand.Create(context),
            RunCommand.Create(context),
            RunCommand.CreateQa(context),
            ChaosCommand.Create(context),
            ProfileCommand.Create(context),
            ReportCommand.Create(context),
            DemoImagesCommand.Create(context),
            NvsCommand.Create(context),
            LedgerCommand.Create(context),
            PortsCommand.Create(context),
            BenchCommand.Create(context),
            BenchLineCommand.Create(context),
        };
        return root;
    }
}
