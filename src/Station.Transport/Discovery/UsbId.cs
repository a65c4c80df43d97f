using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Station.Transport.Discovery;

/// <summary>A USB vendor and product id, written as lsusb and udev do: <c>10c4:ea60</c>.</summary>
public readonly record struct UsbId(ushort Vendor, ushort Product)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Vendor:x4}:{Product:x4}");

    /// <summary>Parses <c>VVVV:PPPP</c> (hex, either case).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out UsbId? id)
    {
        id = null;
        if (text is null)
        {
            return false;
        }

        string[] parts = text.Trim().Split(':');
        if (parts.Length == 2 && TryParseHex(parts[0], out ushort vendor) && TryParseHex(parts[1], out ushort product))
        {
            id = new UsbId(vendor, product);
            return true;
        }

        return false;
    }

    /// <summary>A sysfs idVendor/idProduct value: four hex digits.</summary>
    internal static bool TryParseHex(string text, out ushort value) =>
        ushort.TryParse(text.Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && text.Trim().Length is > 0 and <= 4;
}
