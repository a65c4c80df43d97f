namespace Station.Protocol.Status;

/// <summary>Which program answers on the wire; it decides the status layout.</summary>
public enum LoaderKind
{
    /// <summary>ESP8266 ROM: 2 status bytes, <c>01 code</c> on failure.</summary>
    Esp8266Rom,

    /// <summary>ESP32-family ROM (ESP32, S2, S3, C2, C3, C6, H2, …): 4 status bytes, <c>01 code 00 00</c>.</summary>
    Esp32Rom,

    /// <summary>esptool's flasher stub: 2 status bytes, the error code first (<c>C1 00</c>).</summary>
    Stub,
}

public static class LoaderKindFacts
{
    public static int StatusLength(this LoaderKind kind) => kind == LoaderKind.Esp32Rom ? 4 : 2;

    public static bool IsRom(this LoaderKind kind) => kind != LoaderKind.Stub;
}
