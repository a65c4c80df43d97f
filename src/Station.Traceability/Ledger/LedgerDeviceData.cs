using System.Security.Cryptography;

namespace Station.Traceability.Ledger;

/// <summary>
/// What was written to one unit that no other unit got: its NVS image (kept whole, a few KB, so QA can
/// re-check a unit's flash years later without the station that made it), the values in it and the
/// eFuse words around the burn.
/// </summary>
/// <param name="NvsOffset">Flash address of the NVS partition.</param>
/// <param name="NvsSize">Size of the NVS partition in bytes.</param>
/// <param name="NvsSha256">Lower-case hex SHA-256 of <paramref name="NvsImage"/>.</param>
/// <param name="NvsMd5">Lower-case hex MD5 of <paramref name="NvsImage"/>, as the ROM's flash MD5 reports it.</param>
/// <param name="ValuesJson">The values written, as JSON, secrets already redacted by the caller.</param>
/// <param name="EfuseBefore">eFuse words read before the burn (the caller's text form), or null without an eFuse plan.</param>
/// <param name="EfuseAfter">eFuse words read after the burn, or null.</param>
public sealed record LedgerDeviceData(
    uint NvsOffset,
    uint NvsSize,
    string NvsSha256,
    string NvsMd5,
    string ValuesJson,
    string? EfuseBefore,
    string? EfuseAfter,
    ReadOnlyMemory<byte> NvsImage)
{
    /// <summary>A record whose digests are computed from <paramref name="nvsImage"/>.</summary>
    public static LedgerDeviceData FromImage(uint nvsOffset, uint nvsSize, ReadOnlyMemory<byte> nvsImage, string valuesJson, string? efuseBefore = null, string? efuseAfter = null) =>
        new(nvsOffset, nvsSize, Sha256Of(nvsImage.Span), Md5Of(nvsImage.Span), valuesJson, efuseBefore, efuseAfter, nvsImage);

    /// <summary>True when <see cref="NvsImage"/> still hashes to <see cref="NvsSha256"/> and <see cref="NvsMd5"/>.</summary>
    public bool IsIntact =>
        string.Equals(Sha256Of(NvsImage.Span), NvsSha256, StringComparison.OrdinalIgnoreCase)
        && string.Equals(Md5Of(NvsImage.Span), NvsMd5, StringComparison.OrdinalIgnoreCase);

    private static string Sha256Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

#pragma warning disable CA5351 // MD5 is what the ESP32 ROM reports for flash regions; it identifies bytes here, it protects nothing.
    private static string Md5Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));
#pragma warning restore CA5351
}
