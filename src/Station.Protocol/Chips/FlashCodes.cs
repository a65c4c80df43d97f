namespace Station.Protocol.Chips;

/// <summary>Image-header codes for flash mode, size and frequency.</summary>
public static class FlashCodes
{
    public static readonly IReadOnlyDictionary<string, byte> Modes = new Dictionary<string, byte>(StringComparer.OrdinalIgnoreCase)
    {
        ["qio"] = 0, ["qout"] = 1, ["dio"] = 2, ["dout"] = 3,
    };

    public static readonly IReadOnlyDictionary<string, byte> Esp32Sizes = new Dictionary<string, byte>(StringComparer.OrdinalIgnoreCase)
    {
        ["1MB"] = 0x00, ["2MB"] = 0x10, ["4MB"] = 0x20, ["8MB"] = 0x30,
        ["16MB"] = 0x40, ["32MB"] = 0x50, ["64MB"] = 0x60, ["128MB"] = 0x70,
    };

    public static readonly IReadOnlyDictionary<string, byte> Esp8266Sizes = new Dictionary<string, byte>(StringComparer.OrdinalIgnoreCase)
    {
        ["512KB"] = 0x00, ["256KB"] = 0x10, ["1MB"] = 0x20, ["2MB"] = 0x30, ["4MB"] = 0x40,
        ["2MB-c1"] = 0x50, ["4MB-c1"] = 0x60, ["8MB"] = 0x80, ["16MB"] = 0x90,
    };

    internal static readonly IReadOnlyDictionary<string, byte> CommonFrequencies = Frequencies(("80m", 0xF), ("40m", 0x0), ("26m", 0x1), ("20m", 0x2));
    internal static readonly IReadOnlyDictionary<string, byte> C2Frequencies = Frequencies(("60m", 0xF), ("30m", 0x0), ("20m", 0x1), ("15m", 0x2));
    internal static readonly IReadOnlyDictionary<string, byte> H2Frequencies = Frequencies(("48m", 0xF), ("24m", 0x0), ("16m", 0x1), ("12m", 0x2));

    // The ESP32-C6 ROM works around an 80 MHz issue by running the header value 0 (40 MHz code).
    internal static readonly IReadOnlyDictionary<string, byte> C6Frequencies = Frequencies(("80m", 0x0), ("40m", 0x0), ("20m", 0x2));
    internal static readonly IReadOnlyDictionary<string, byte> C5Frequencies = Frequencies(("80m", 0xF), ("40m", 0x0), ("20m", 0x2));

    /// <summary>Bytes in a flash of the given size name ("4MB", "512KB"; "-c1" variants count as their size).</summary>
    public static bool TryParseSize(string name, out uint bytes)
    {
        bytes = 0;
        string core = name.Split('-')[0].Trim();
        uint unit;
        if (core.EndsWith("MB", StringComparison.OrdinalIgnoreCase))
        {
            unit = 1024 * 1024;
        }
        else if (core.EndsWith("KB", StringComparison.OrdinalIgnoreCase))
        {
            unit = 1024;
        }
        else
        {
            return false;
        }

        if (!uint.TryParse(core.AsSpan(0, core.Length - 2), out uint count) || count == 0)
        {
            return false;
        }

        bytes = count * unit;
        return true;
    }

    /// <summary>The conventional name of a flash size in bytes ("4MB", "512KB").</summary>
    public static string SizeName(uint bytes) =>
        bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)}MB" : $"{bytes / 1024}KB";

    private static Dictionary<string, byte> Frequencies(params (string Name, byte Code)[] entries) =>
        entries.ToDictionary(e => e.Name, e => e.Code, StringComparer.OrdinalIgnoreCase);
}
