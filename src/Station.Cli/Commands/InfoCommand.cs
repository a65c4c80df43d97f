using System.CommandLine;
using System.Text.Json;
using Station.Cli.Options;
using Station.Flashing.Device;
using Station.Protocol.Chips;

namespace Station.Cli.Commands;

/// <summary><c>station info</c>: what is on the port (chip, revision, features, crystal, MAC, flash).</summary>
public static class InfoCommand
{
    public static Command Create(CommandContext context)
    {
        var device = new DeviceOptions();
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("info", "Identify the chip on a port: chip, revision, features, crystal, MAC, flash id and size");
        device.AddTo(command);
        command.Add(json);
        command.SetAction((result, ct) => context.RunAsync(async token =>
        {
            var options = device.Build(result);
            await using var link = await context.OpenAsync(result.GetValue(device.Port)!, token);
            var reporter = result.GetValue(json) ? context.ProgressOnError() : context.Reporter;
            var (espDevice, flashId) = await reporter.ShowAsync(async events =>
            {
                var d = await EspDevice.ConnectAsync(link, options.Connect, context.Time, events, token);
                if (options.ExpectedChip is { } expected && expected.Kind != d.Chip.Kind)
                {
                    throw new Flashing.Errors.FlashException(Flashing.Errors.FlashErrors.ChipMismatch(expected.Name, d.Chip.Name));
                }

                var id = await d.ReadFlashIdAsync(token);
                await d.ResetAsync(options.After, token);
                return (d, id);
            });

            var identity = espDevice.Identity;
            if (result.GetValue(json))
            {
                var document = new
                {
                    port = link.Name,
                    chip = identity.Chip.Name,
                    description = identity.Description,
                    revision = identity.Revision,
                    features = identity.Features,
                    crystalMhz = identity.CrystalMhz,
                    mac = identity.Mac.ToString(),
                    eui64 = identity.Eui64 is { } eui ? string.Join(':', eui.Select(b => b.ToString("X2"))) : null,
                    flashId = $"0x{flashId.Raw:X6}",
                    flashManufacturer = $"{flashId.Manufacturer:x2}",
                    flashDevice = $"{flashId.Device:x4}",
                    flashSize = flashId.SizeBytes is { } size ? FlashCodes.SizeName(size) : null,
                    secureBoot = identity.Security?.SecureBootEnabled,
                    flashEncryption = identity.Security?.FlashEncryptionEnabled,
                };
                await context.Out.WriteLineAsync(JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                await context.Out.WriteLineAsync($"Port:       {link.Name}");
                await context.Out.WriteLineAsync($"Chip:       {identity.Description}");
                await context.Out.WriteLineAsync($"Features:   {string.Join(", ", identity.Features)}");
                if (identity.CrystalMhz is { } mhz)
                {
                    await context.Out.WriteLineAsync($"Crystal:    {mhz} MHz");
                }

                await context.Out.WriteLineAsync($"MAC:        {identity.Mac}");
                await context.Out.WriteLineAsync($"Flash id:   manufacturer {flashId.Manufacturer:x2}, device {flashId.Device:x4}");
                await context.Out.WriteLineAsync($"Flash size: {(flashId.SizeBytes is { } s ? FlashCodes.SizeName(s) : "unknown")}");
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
