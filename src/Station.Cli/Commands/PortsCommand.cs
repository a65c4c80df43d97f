using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Station.Cli.Options;
using Station.Cli.Ports;
using Station.Cli.Run;
using Station.Transport.Discovery;

namespace Station.Cli.Commands;

/// <summary>
/// <c>station ports</c>: the serial ports of this PC with what identifies them physically — USB
/// vendor:product, bridge chip, serial number, hub path (the socket it is plugged into) and udev's
/// by-path name — so a slot is chosen by where it is, not by a /dev name that changes at every re-plug.
/// </summary>
public static class PortsCommand
{
    public static Command Create(CommandContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print the ports as JSON" };
        var all = new Option<bool>("--all") { Description = "Also list serial ports that are not on USB" };
        var slots = new Option<string?>("--slots") { Description = "Station file: show which slot each port is, and which slots are empty" };
        var sysRoot = new Option<string>("--sys-root") { Description = "Where sysfs is (tests)", DefaultValueFactory = _ => "/sys", Hidden = true };
        var devRoot = new Option<string>("--dev-root") { Description = "Where /dev is (tests)", DefaultValueFactory = _ => "/dev", Hidden = true };
        var command = new Command("ports", "List serial ports with USB vendor:product, bridge, serial number and physical hub path")
        {
            json, all, sysRoot, devRoot, slots,
        };
        command.SetAction((result, ct) => context.RunAsync(async token =>
        {
            StationFile? file = null;
            if (result.GetValue(slots) is { } stationPath)
            {
                try
                {
                    file = StationFile.Load(stationPath);
                }
                catch (StationFileException e)
                {
                    throw new UsageException(e.Message);
                }
            }

            var discovery = LineSlots.Discovery(file, result.GetValue(sysRoot)!, result.GetValue(devRoot)!);
            var ports = discovery.Scan().Where(p => result.GetValue(all) || p.Usb is not null).ToList();
            string? SlotOf(SerialPortInfo port) => file?.Slots.FirstOrDefault(slot => Matches(slot, port))?.Name;
            if (result.GetValue(json))
            {
                await context.Out.WriteLineAsync(JsonSerializer.Serialize(ports.Select(p => Document(p, SlotOf(p))), new JsonSerializerOptions { WriteIndented = true }));
                return ExitCodes.Success;
            }

            if (ports.Count == 0)
            {
                await context.Out.WriteLineAsync(result.GetValue(all)
                    ? "No serial ports found."
                    : "No USB serial ports found: plug a board in (and check `dmesg` for its driver), or use --all for other serial ports.");
                return ExitCodes.Success;
            }

            var rows = ports.Select(p => new[]
            {
                p.DevicePath, p.Usb?.Id.ToString() ?? "", p.BridgeName, p.Usb?.Serial ?? "", p.Usb?.SlotKey ?? "", MaxBaud(p), p.ByPath ?? "",
            }).ToList();
            if (file is null)
            {
                await WriteTableAsync(context.Out, ["PORT", "USB", "BRIDGE", "SERIAL", "HUB PATH", "MAX BAUD", "BY-PATH"], rows);
            }
            else
            {
                await WriteTableAsync(context.Out, ["SLOT", "PORT", "USB", "BRIDGE", "SERIAL", "HUB PATH", "MAX BAUD", "BY-PATH"],
                    [.. rows.Select((row, i) => (string[])[SlotOf(ports[i]) ?? "-", .. row])]);
                foreach (var empty in file.Slots.Where(slot => slot.Port is null && !ports.Any(p => Matches(slot, p))))
                {
                    await context.Out.WriteLineAsync($"Empty: {empty.Name} ({empty.Where}): nothing plugged in there.");
                }
            }
            foreach (var advice in ports.Select(p => p.Adapter).OfType<AdapterSpec>().Where(a => a.Advice is not null).DistinctBy(a => a.Name))
            {
                await context.Out.WriteLineAsync($"{advice.Name}: {advice.Advice}");
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }

    /// <summary>Left-aligned columns two spaces apart; trailing blanks trimmed.</summary>
    internal static async Task WriteTableAsync(TextWriter output, IReadOnlyList<string> header, IReadOnlyList<string[]> rows)
    {
        int[] widths = [.. header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max())];
        foreach (var row in rows.Prepend([.. header]))
        {
            await output.WriteLineAsync(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    private static string MaxBaud(SerialPortInfo port) => port.Adapter switch
    {
        { UsbSerialJtag: true } => "any (USB)",
        { MaxReliableBaud: int baud } => baud.ToString(CultureInfo.InvariantCulture),
        _ => "",
    };

    /// <summary>Whether a station-file slot is this port: by hub path or interface, by by-path name, or by device path.</summary>
    internal static bool Matches(StationSlot slot, SerialPortInfo port) =>
        (slot.Usb is { } usb && port.Usb is { } details && (usb == details.SlotKey || usb == details.Interface))
        || (slot.ByPath is { } byPath && port.ByPath is { } link && (byPath == link || byPath == Path.GetFileName(link)))
        || (slot.Port is { } path && path == port.DevicePath);

    private static object Document(SerialPortInfo p, string? slot) => new
    {
        slot,
        port = p.DevicePath,
        name = p.Name,
        driver = p.Driver,
        usb = p.Usb is not { } u ? null : new
        {
            id = u.Id.ToString(),
            vendorId = u.Id.Vendor,
            productId = u.Id.Product,
            serial = u.Serial,
            manufacturer = u.Manufacturer,
            product = u.Product,
            hubPath = u.HubPath,
            @interface = u.Interface,
            interfaceNumber = u.InterfaceNumber,
            slotKey = u.SlotKey,
        },
        byPath = p.ByPath,
        byId = p.ById,
        bridge = p.BridgeName,
        adapter = p.Adapter is not { } a ? null : new
        {
            name = a.Name,
            maxReliableBaud = a.MaxReliableBaud,
            resetOrder = a.ResetOrder,
            usbSerialJtag = a.UsbSerialJtag,
            advice = a.Advice,
        },
    };
}
