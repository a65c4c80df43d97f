namespace Station.DeviceData.Nvs.Csv;

/// <summary>
/// Python's <c>binascii.a2b_hex</c> and the lenient (non-strict) <c>binascii.a2b_base64</c>, which decode the
/// generator's hex2bin and base64 values (nvs-format.md §10), with their error messages.
/// </summary>
internal static class BinasciiDecoding
{
    public const string NonHexDigit = "Non-hexadecimal digit found";
    public const string IncorrectPadding = "Incorrect padding";
    public const string NotAsciiString = "string argument should contain only ASCII characters";

    /// <summary>Decodes an even number of hex digits (either case).</summary>
    public static bool TryDecodeHex(ReadOnlySpan<byte> digits, out byte[] bytes)
    {
        bytes = new byte[digits.Length / 2];
        for (int i = 0; i < bytes.Length; i++)
        {
            int high = HexValue(digits[2 * i]);
            int low = HexValue(digits[(2 * i) + 1]);
            if (high < 0 || low < 0)
            {
                return false;
            }

            bytes[i] = (byte)((high << 4) | low);
        }

        return true;
    }

    /// <summary>
    /// Base64 as binascii reads it by default: characters outside the alphabet are skipped, decoding stops at the
    /// padding that completes a quantum, and a final partial quantum is an error.
    /// </summary>
    public static bool TryDecodeBase64(ReadOnlySpan<byte> text, out byte[] bytes, out string error)
    {
        var output = new List<byte>(text.Length * 3 / 4);
        int quadPosition = 0;
        int leftover = 0;
        int pads = 0;
        error = "";
        foreach (byte c in text)
        {
            if (c == '=')
            {
                if (quadPosition >= 2 && quadPosition + ++pads >= 4)
                {
                    bytes = [.. output];
                    return true;
                }

                continue;
            }

            int value = Base64Value(c);
            if (value < 0)
            {
                continue;
            }

            pads = 0;
            switch (quadPosition)
            {
                case 0:
                    quadPosition = 1;
                    leftover = value;
                    break;
                case 1:
                    quadPosition = 2;
                    output.Add((byte)((leftover << 2) | (value >> 4)));
                    leftover = value & 0x0F;
                    break;
                case 2:
                    quadPosition = 3;
                    output.Add((byte)((leftover << 4) | (value >> 2)));
                    leftover = value & 0x03;
                    break;
                default:
                    quadPosition = 0;
                    output.Add((byte)((leftover << 6) | value));
                    leftover = 0;
                    break;
            }
        }

        bytes = [.. output];
        if (quadPosition == 0)
        {
            return true;
        }

        error = quadPosition == 1
            ? $"Invalid base64-encoded string: number of data characters ({(output.Count / 3 * 4) + 1}) cannot be 1 more than a multiple of 4"
            : IncorrectPadding;
        return false;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private static int Base64Value(byte c) => c switch
    {
        >= (byte)'A' and <= (byte)'Z' => c - 'A',
        >= (byte)'a' and <= (byte)'z' => c - 'a' + 26,
        >= (byte)'0' and <= (byte)'9' => c - '0' + 52,
        (byte)'+' => 62,
        (byte)'/' => 63,
        _ => -1,
    };
}
