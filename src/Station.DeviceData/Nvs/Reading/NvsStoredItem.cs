using System.Text;

namespace Station.DeviceData.Nvs.Reading;

/// <summary>
/// One item header found in a WRITTEN entry, with the verdicts on it: header CRC, data CRC (for strings, blobs
/// and chunks), and the namespace name its index resolves to.
/// </summary>
public sealed record NvsStoredItem(int Page, int Entry, NvsItemHeader Header, byte[] Payload)
{
    /// <summary>Null for items without a payload (integers, namespace entries, blob indexes) or with a damaged header.</summary>
    public bool? DataCrcOk { get; init; }

    /// <summary>The namespace name for a data item, or null when its index is not defined (or for namespace entries).</summary>
    public string? Namespace { get; init; }

    public bool HeaderCrcOk => Header.CrcMatches;

    public bool IsNamespaceDefinition => Header.NamespaceIndex == 0 && Header.Type == NvsItemType.U8;

    /// <summary>The item's value as far as it stands on its own: integers, strings, v1 blobs, one chunk's bytes.</summary>
    public NvsValue? Value
    {
        get
        {
            if (!HeaderCrcOk || !NvsItemTypes.IsKnown(Header.TypeByte))
            {
                return null;
            }

            var type = Header.Type;
            if (NvsItemTypes.IsInteger(type))
            {
                return NvsInteger.FromLittleEndian(type, Header.Data);
            }

            return type switch
            {
                NvsItemType.String => new NvsString(DecodeString(Payload)),
                NvsItemType.Blob or NvsItemType.BlobData => new NvsBlob(Payload),
                _ => null,
            };
        }
    }

    /// <summary>A string payload without its terminating NUL; bytes that are not UTF-8 show as U+FFFD.</summary>
    internal static string DecodeString(ReadOnlySpan<byte> payload)
    {
        var text = payload.Length > 0 && payload[^1] == 0 ? payload[..^1] : payload;
        return Encoding.UTF8.GetString(text);
    }
}
