namespace Station.Protocol.Status;

/// <summary>The status bytes at the end of a response, read per loader kind.</summary>
public readonly record struct DeviceStatus(bool Failed, byte Code)
{
    public static readonly DeviceStatus Success = new(false, 0);

    /// <summary>
    /// Reads the status that follows <paramref name="resultLength"/> result bytes. The position is
    /// chip-independent (status = the bytes right after the expected result), so ROM and stub
    /// replies are read the same way; only the meaning of the two bytes differs.
    /// When a failing loader sends the status alone (no result), it is read from the start.
    /// </summary>
    public static DeviceStatus Read(ReadOnlySpan<byte> data, int resultLength, LoaderKind kind)
    {
        ReadOnlySpan<byte> status;
        if (data.Length >= resultLength + 2)
        {
            status = data.Slice(resultLength, 2);
        }
        else if (data.Length >= 2 && data[0] != 0)
        {
            status = data[..2];
        }
        else
        {
            throw new ProtocolException(
                ProtocolFault.MalformedResponse,
                $"Expected {resultLength} result bytes and a status, got {data.Length} bytes.");
        }

        return kind == LoaderKind.Stub
            ? new DeviceStatus(status[0] != 0, status[0])
            : new DeviceStatus(status[0] != 0, status[1]);
    }

    /// <summary>Device side: the status bytes a loader of <paramref name="kind"/> sends.</summary>
    public static byte[] Encode(LoaderKind kind, byte errorCode)
    {
        var bytes = new byte[kind.StatusLength()];
        if (errorCode != 0)
        {
            if (kind == LoaderKind.Stub)
            {
                bytes[0] = errorCode;
            }
            else
            {
                bytes[0] = 1;
                bytes[1] = errorCode;
            }
        }

        return bytes;
    }
}
