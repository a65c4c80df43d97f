using System.Globalization;

namespace Station.DeviceData.Nvs;

/// <summary>
/// Checks on keys and values that do not depend on where an item lands, with the reference generator's
/// messages where it has one (nvs-format.md §8, §10, §11).
/// </summary>
public static class NvsEntryRules
{
    /// <summary>A key or namespace name: 1..15 ASCII characters without NUL.</summary>
    public static NvsError? CheckKey(string key)
    {
        // The generator counts characters (code points), so a long non-ASCII key fails this test first.
        if (key.EnumerateRunes().Count() > NvsPageLayout.MaxKeyLength)
        {
            return new NvsError(NvsErrorCodes.KeyTooLong, $"Length of key `{key}` should be <= 15 characters.");
        }

        if (key.Length == 0)
        {
            return new NvsError(NvsErrorCodes.KeyEmpty, "The key is empty; NVS keys have 1 to 15 characters.");
        }

        if (key.Any(c => c > 0x7F))
        {
            return new NvsError(
                NvsErrorCodes.KeyNotAscii,
                $"Key `{key}` has non-ASCII characters; ESP-IDF's generator would splice its UTF-8 bytes by character count and corrupt the entry (nvs-format.md §10).");
        }

        if (key.Contains('\0', StringComparison.Ordinal))
        {
            return new NvsError(NvsErrorCodes.KeyNotAscii, $"Key `{key.Replace("\0", "\\0", StringComparison.Ordinal)}` contains a NUL, which would end the key early on the device.");
        }

        return null;
    }

    /// <summary>Size limits of strings and version 1 blobs.</summary>
    public static NvsError? CheckValue(string key, NvsValue value, NvsFormatVersion version)
    {
        switch (value)
        {
            case NvsString text:
                int size = text.StoredSize;
                int limit = version == NvsFormatVersion.Version1 ? NvsPageLayout.MaxVarLengthSizeV1 : NvsPageLayout.MaxStringSizeV2;
                if (size > limit)
                {
                    return TooLong(key, size, limit);
                }

                // 3969..4000 pass the generator's size check and then crash it with PageFullError (§7.2, §8).
                if (size > NvsPageLayout.MaxPlaceableStringSize)
                {
                    return new NvsError(
                        NvsErrorCodes.StringTooLongForPage,
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"PageFullError: string `{key}` of {size} bytes (NUL included) needs {1 + NvsPageLayout.DataEntries(size)} entries, and ESP-IDF's generator places at most 125, so at most {NvsPageLayout.MaxPlaceableStringSize} bytes ({NvsPageLayout.MaxPlaceableStringSize - 1} characters)."));
                }

                return null;

            case NvsBlob blob when version == NvsFormatVersion.Version1 && blob.Length > NvsPageLayout.MaxVarLengthSizeV1:
                return TooLong(key, blob.Length, NvsPageLayout.MaxVarLengthSizeV1);

            default:
                return null;
        }
    }

    private static NvsError TooLong(string key, int size, int limit) => new(
        NvsErrorCodes.ValueTooLong,
        string.Create(CultureInfo.InvariantCulture, $"Input File: Size ({size}) exceeds max allowed length `{limit}` bytes for key `{key}`."));
}
