using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Station.Cli.Demo;
using Station.Cli.Options;
using Station.Protocol.Chips;

namespace Station.Cli.Commands;

/// <summary>
/// <c>station demo-images</c>: write the demo firmware (<see cref="DemoImages"/>) as
/// <c>bootloader.bin</c>, <c>partition-table.bin</c> and <c>app.bin</c> and print each file's offset,
/// size and SHA-256. The same arguments give byte-identical files on every run, so the printed
/// digests can be pinned in a profile.
/// </summary>
public static class DemoImagesCommand
{
    public static Command Create(CommandContext context)
    {
        var chip = new Option<string>("--chip") { Description = "Chip the images are for", DefaultValueFactory = _ => "esp32" };
        var project = new Option<string>("--project") { Description = "Project name in the app descriptor (≤ 31 characters)", DefaultValueFactory = _ => DemoImages.DefaultProject };
        var version = new Option<string>("--version") { Description = "App version in the app descriptor (≤ 31 characters)", DefaultValueFactory = _ => DemoImages.DefaultVersion };
        var output = new Option<string>("--out", "-o") { Description = "Directory to write the three files to", Required = true };
        var command = new Command("demo-images", "Write a reproducible demo firmware (bootloader, partition table, app) that the simulator boots")
        {
            chip, project, version, output,
        };

        command.SetAction((result, ct) => context.RunAsync(async token =>
        {
            string chipName = result.GetValue(chip)!;
            if (!ChipCatalogue.TryFind(chipName, out var spec))
            {
                throw new UsageException($"--chip '{chipName}' is not a known chip ({string.Join(", ", ChipCatalogue.All.Select(c => c.Key))}).");
            }

            DemoImageSet images;
            try
            {
                images = DemoImages.Build(spec, result.GetValue(project)!, result.GetValue(version)!);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }

            string directory = Path.GetFullPath(result.GetValue(output)!);
            Directory.CreateDirectory(directory);
            foreach (var image in images.Sources)
            {
                string path = Path.Combine(directory, image.Name);
                await File.WriteAllBytesAsync(path, image.Bytes, token);
                string digest = Convert.ToHexStringLower(SHA256.HashData(image.Bytes));
                await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"0x{image.Address:x6}  {image.Name,-20} {image.Bytes.Length,7} bytes  sha256 {digest}"));
            }

            await context.Out.WriteLineAsync($"Wrote {spec.Name} demo firmware to {directory}.");
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
