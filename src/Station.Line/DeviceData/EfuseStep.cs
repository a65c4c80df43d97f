using System.Text;
using Station.DeviceData.Templates;
using Station.Flashing.Device;
using Station.Flashing.Efuse;
using Station.Flashing.Errors;
using Station.Profiles;
using Station.Protocol.Chips;
using Station.Traceability;

namespace Station.Line.DeviceData;

/// <summary>
/// The eFuse burns of a unit (after every region verified): user data and/or a custom MAC into
/// BLOCK3, read first (the same value is skipped, a different one refused), or only planned on a dry run.
/// </summary>
internal static class EfuseStep
{
    public static async Task<EfuseRecord> RunAsync(EspDevice device, EfuseSettings settings, TemplateValues values, TimeProvider time, CancellationToken cancellationToken)
    {
        var burner = Esp32EfuseBurner.For(device, time);
        var mode = settings.DryRun ? EfuseBurnMode.DryRun : EfuseBurnMode.Burn;
        var results = new List<EfuseBurnResult>();
        try
        {
            if (settings.UserData is { } user)
            {
                byte[] bytes = user.Bytes ?? Ascii(user.Text!.Render(values));
                results.Add(await burner.BurnAsync(new UserDataRequest(user.Offset, bytes), mode, cancellationToken).ConfigureAwait(false));
            }

            if (settings.CustomMac is { } customMac)
            {
                string text = customMac.Render(values);
                var mac = MacAddress.TryParse(text, out var parsed)
                    ? parsed
                    : throw new FlashException(LineErrors.DeviceData($"the custom MAC template gave '{text}', which is not a MAC address"));
                results.Add(await burner.BurnAsync(new CustomMacRequest(mac), mode, cancellationToken).ConfigureAwait(false));
            }
        }
        catch (TemplateException e)
        {
            throw new FlashException(LineErrors.DeviceData(e.Message));
        }

        string action = settings.DryRun ? "dry-run"
            : results.Any(r => r.Outcome == EfuseBurnOutcome.Burned) ? "burned" : "skipped";
        return new EfuseRecord("BLOCK3", action, results[0].Before.Hex, results[^1].After.Hex);
    }

    private static byte[] Ascii(string text) =>
        text.All(c => c < 128)
            ? Encoding.ASCII.GetBytes(text)
            : throw new FlashException(LineErrors.DeviceData($"eFuse text '{text}' is not ASCII"));
}
