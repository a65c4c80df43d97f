using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;

namespace Station.DeviceData.Nvs.Csv;

/// <summary>
/// Turns one data or file row's encoding and value into a typed value, in the order the generator checks things
/// (nvs-format.md §10, §11): fill encodings, then hex2bin / base64 / string decoding, then the encoding name
/// (lower-cased), then integer parsing and range.
/// </summary>
internal static partial class NvsCsvValueDecoder
{
    private static readonly string[] s_varLength = ["string", "binary", "hex2bin", "base64"];

    /// <summary>blob_fill / blob_sz_fill lengths beyond this could not fit any partition this encoder builds.</summary>
    private const long MaxFillLength = NvsPartitionSize.MaxBytes;

    /// <param name="value">The CSV text, or the file's bytes for a file row.</param>
    public static NvsValue Decode(string key, string encoding, OneOf value)
    {
        if (encoding.StartsWith("blob_fill", StringComparison.Ordinal) || encoding.StartsWith("blob_sz_fill", StringComparison.Ordinal))
        {
            return DecodeFill(key, encoding, value);
        }

        switch (encoding)
        {
            case "hex2bin":
                return DecodeHex(key, value);
            case "base64":
                return DecodeBase64(value);
            case "string":
                return new NvsString(value.Text ?? DecodeFileText(value.Bytes!));
        }

        string lower = encoding.ToLowerInvariant();
        if (s_varLength.Contains(lower))
        {
            // The generator lower-cases only after decoding, so "HEX2BIN" would store the hex text itself.
            return lower == "binary"
                ? DecodeBinary(value)
                : throw Fail(NvsErrorCodes.EncodingCase, $"Encoding `{encoding}` must be lower case: ESP-IDF's generator would skip the {lower} decoding and store the text as it stands.");
        }

        if (NvsItemTypes.IntegerFromName(lower) is { } integerType)
        {
            return DecodeInteger(key, lower, integerType, value);
        }

        throw Fail(NvsErrorCodes.UnsupportedEncoding, $"{lower}: Unsupported encoding");
    }

    /// <summary>A CSV text value, or a file's bytes.</summary>
    internal readonly record struct OneOf(string? Text, byte[]? Bytes)
    {
        public static OneOf FromText(string text) => new(text, null);

        public static OneOf FromFile(byte[] bytes) => new(null, bytes);
    }

    private static NvsBlob DecodeHex(string key, OneOf value)
    {
        byte[] digits;
        if (value.Text is { } text)
        {
            string stripped = PythonText.Strip(text);
            if (stripped.EnumerateRunes().Count() % 2 != 0)
            {
                throw OddHex(key);
            }

            if (!PythonText.IsAscii(stripped))
            {
                throw Fail(NvsErrorCodes.NotAscii, $"ValueError: {BinasciiDecoding.NotAsciiString}");
            }

            digits = Encoding.ASCII.GetBytes(stripped);
        }
        else
        {
            digits = PythonText.Strip(value.Bytes!).ToArray();
            if (digits.Length % 2 != 0)
            {
                throw OddHex(key);
            }
        }

        return BinasciiDecoding.TryDecodeHex(digits, out byte[] bytes)
            ? new NvsBlob(bytes)
            : throw Fail(NvsErrorCodes.HexDigit, $"binascii.Error: {BinasciiDecoding.NonHexDigit}");
    }

    private static NvsException OddHex(string key) => Fail(NvsErrorCodes.HexOddLength, $"{key}: Invalid data length. Should be multiple of 2.");

    private static NvsBlob DecodeBase64(OneOf value)
    {
        if (value.Text is { } text && !PythonText.IsAscii(text))
        {
            throw Fail(NvsErrorCodes.NotAscii, $"ValueError: {BinasciiDecoding.NotAsciiString}");
        }

        byte[] input = value.Bytes ?? Encoding.ASCII.GetBytes(value.Text!);
        return BinasciiDecoding.TryDecodeBase64(input, out byte[] bytes, out string error)
            ? new NvsBlob(bytes)
            : throw Fail(NvsErrorCodes.Base64, $"binascii.Error: {error}");
    }

    private static NvsBlob DecodeBinary(OneOf value)
    {
        if (value.Bytes is { } bytes)
        {
            return new NvsBlob(bytes);
        }

        // The generator measures a text blob in characters but writes its UTF-8 bytes: only ASCII comes out right.
        return PythonText.IsAscii(value.Text!)
            ? new NvsBlob(Encoding.ASCII.GetBytes(value.Text!))
            : throw Fail(NvsErrorCodes.NotAscii, "A binary value given inline must be ASCII: ESP-IDF's generator counts its characters but writes its UTF-8 bytes, which corrupts the item. Use hex2bin, base64, or a file.");
    }

    private static string DecodeFileText(byte[] bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw Fail(NvsErrorCodes.NotUtf8, $"UnicodeDecodeError: 'utf-8' codec can't decode byte 0x{e.BytesUnknown?.FirstOrDefault():x2} in position {e.Index}: the file of a string row must be UTF-8.");
        }
    }

    private static NvsInteger DecodeInteger(string key, string encoding, NvsItemType type, OneOf value)
    {
        // Python's int() takes the file's bytes as they are, and the CSV text.
        string text = value.Text ?? Encoding.Latin1.GetString(value.Bytes!);
        bool ascii = value.Text is not null || value.Bytes!.All(b => b < 0x80);
        if (!ascii || !PythonInt.TryParse(text, out BigInteger number))
        {
            string repr = value.Text is not null ? PythonText.Repr(value.Text) : PythonText.Repr(value.Bytes);
            throw Fail(NvsErrorCodes.IntegerSyntax, $"ValueError: {PythonInt.InvalidLiteral(repr)}");
        }

        var (min, max) = NvsItemTypes.Range(type);
        if (number < (BigInteger)min || number > (BigInteger)max)
        {
            throw Fail(NvsErrorCodes.IntegerRange, string.Create(CultureInfo.InvariantCulture, $"Packing error for '{encoding}' key '{key}' = '{number}': {PythonInt.PackRangeMessage(type)}"));
        }

        return new NvsInteger(type, (Int128)number);
    }

    /// <summary>
    /// blob_fill(N;0xPP): the UTF-8 value padded to N bytes with PP; blob_sz_fill adds a u32 length in front
    /// (nvs-format.md §10). Both end up as an ordinary blob.
    /// </summary>
    private static NvsBlob DecodeFill(string key, string encoding, OneOf value)
    {
        var match = FillEncoding().Match(encoding);
        if (!match.Success)
        {
            throw Fail(NvsErrorCodes.InvalidFillEncoding, $"{encoding}: Invalid encoding format.");
        }

        if (value.Text is null)
        {
            throw Fail(NvsErrorCodes.InvalidFillEncoding, $"{match.Groups[1].Value} takes its value from the CSV; a file row cannot use it (ESP-IDF's generator fails on it).");
        }

        if (!long.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long length) || length > MaxFillLength)
        {
            throw Fail(NvsErrorCodes.InvalidFillEncoding, $"{encoding}: a length of {match.Groups[2].Value} bytes cannot fit any NVS partition.");
        }

        byte pad = byte.Parse(match.Groups[3].Value.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        byte[] text = Encoding.UTF8.GetBytes(value.Text);
        if (text.Length > length)
        {
            throw Fail(NvsErrorCodes.FillValueTooLong, $"{key}: Value length exceeds specified length.");
        }

        bool withSize = match.Groups[1].Value == "blob_sz_fill";
        var data = new byte[(withSize ? 4 : 0) + length];
        var body = data.AsSpan(withSize ? 4 : 0);
        body.Fill(pad);
        text.CopyTo(body);
        if (withSize)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(data, (uint)text.Length);
        }

        return new NvsBlob(data);
    }

    /// <summary>Python's re.match: anchored at the start only, so trailing text after ")" is ignored.</summary>
    [GeneratedRegex(@"^(blob_fill|blob_sz_fill)\(([0-9]+);(0x[0-9a-fA-F]{2})\)", RegexOptions.CultureInvariant)]
    private static partial Regex FillEncoding();

    private static NvsException Fail(string code, string message) => new(new NvsError(code, message));
}
