namespace Station.Protocol.Commands;

/// <summary>SPI_FLASH_MD5 results: the ROM answers 32 lower-case hex characters, the stub 16 raw bytes.</summary>
public static class Md5Reply
{
    public const int RomLength = 32;
    public const int StubLength = 16;

    /// <summary>Lower-case hex digest from a reply's result bytes.</summary>
    public static string ToHex(ReadOnlySpan<byte> result, bool fromStub)
    {
        if (fromStub)
        {
            if (result.Length < StubLength)
            {
                throw new ProtocolException(ProtocolFault.MalformedResponse, $"MD5 reply has {result.Length} bytes, expected {StubLength}.");
            }

            return Convert.ToHexStringLower(result[..StubLength]);
        }

        if (result.Length < RomLength)
        {
            throw new ProtocolException(ProtocolFault.MalformedResponse, $"MD5 reply has {result.Length} bytes, expected {RomLength}.");
        }

        var text = System.Text.Encoding.ASCII.GetString(result[..RomLength]);
        if (!text.All(Uri.IsHexDigit))
        {
            throw new ProtocolException(ProtocolFault.MalformedResponse, $"ROM MD5 reply '{text}' is not hexadecimal.");
        }

        return text.ToLowerInvariant();
    }
}
