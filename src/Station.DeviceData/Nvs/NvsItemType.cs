namespace Station.DeviceData.Nvs;

/// <summary>The type byte of an NVS item header (nvs-format.md §5).</summary>
public enum NvsItemType : byte
{
    U8 = 0x01,
    I8 = 0x11,
    U16 = 0x02,
    I16 = 0x12,
    U32 = 0x04,
    I32 = 0x14,
    U64 = 0x08,
    I64 = 0x18,

    /// <summary>A NUL-terminated string ("SZ").</summary>
    String = 0x21,

    /// <summary>A whole blob in one item: format version 1 only.</summary>
    Blob = 0x41,

    /// <summary>One chunk of a version 2 blob.</summary>
    BlobData = 0x42,

    /// <summary>The index item that ends a version 2 blob.</summary>
    BlobIndex = 0x48,
}

/// <summary>Facts about item types: names as the generator's CSV spells them, integer widths.</summary>
public static class NvsItemTypes
{
    public static bool IsKnown(byte type) => Enum.IsDefined((NvsItemType)type);

    public static bool IsInteger(NvsItemType type) => type is NvsItemType.U8 or NvsItemType.I8 or NvsItemType.U16 or NvsItemType.I16
        or NvsItemType.U32 or NvsItemType.I32 or NvsItemType.U64 or NvsItemType.I64;

    /// <summary>Bytes an integer takes in the data field: the low nibble of the type byte.</summary>
    public static int Width(NvsItemType type) => IsInteger(type) ? (byte)type & 0x0F : throw new ArgumentException($"{type} is not an integer type.", nameof(type));

    public static bool IsSigned(NvsItemType type) => IsInteger(type) && ((byte)type & 0x10) != 0;

    /// <summary>The smallest and largest value the type holds.</summary>
    public static (Int128 Min, Int128 Max) Range(NvsItemType type)
    {
        int bits = Width(type) * 8;
        return IsSigned(type)
            ? (-(Int128.One << (bits - 1)), (Int128.One << (bits - 1)) - 1)
            : (Int128.Zero, (Int128.One << bits) - 1);
    }

    /// <summary>u8 … i64, string, blob, blob_data, blob_index: the names used in dumps and CSVs.</summary>
    public static string Name(NvsItemType type) => type switch
    {
        NvsItemType.U8 => "u8",
        NvsItemType.I8 => "i8",
        NvsItemType.U16 => "u16",
        NvsItemType.I16 => "i16",
        NvsItemType.U32 => "u32",
        NvsItemType.I32 => "i32",
        NvsItemType.U64 => "u64",
        NvsItemType.I64 => "i64",
        NvsItemType.String => "string",
        NvsItemType.Blob => "blob",
        NvsItemType.BlobData => "blob_data",
        NvsItemType.BlobIndex => "blob_index",
        _ => $"0x{(byte)type:X2}",
    };

    /// <summary>The integer type for a CSV encoding name (u8 … i64), or null.</summary>
    public static NvsItemType? IntegerFromName(string name) => name switch
    {
        "u8" => NvsItemType.U8,
        "i8" => NvsItemType.I8,
        "u16" => NvsItemType.U16,
        "i16" => NvsItemType.I16,
        "u32" => NvsItemType.U32,
        "i32" => NvsItemType.I32,
        "u64" => NvsItemType.U64,
        "i64" => NvsItemType.I64,
        _ => null,
    };
}
