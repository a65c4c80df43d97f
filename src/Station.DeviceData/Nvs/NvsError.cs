namespace Station.DeviceData.Nvs;

/// <summary>
/// Something wrong with NVS input: a stable code, the cause in the reference generator's words where it has
/// them, and the CSV line when the input came from a CSV.
/// </summary>
public sealed record NvsError(string Code, string Message, int? Line = null)
{
    public override string ToString() => Line is int line ? $"line {line}: {Message}" : Message;
}

/// <summary>Input that cannot become a partition; carries every error found.</summary>
public sealed class NvsException : Exception
{
    public NvsException(IReadOnlyList<NvsError> errors)
        : base(string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    public NvsException(NvsError error)
        : this([error])
    {
    }

    public IReadOnlyList<NvsError> Errors { get; }
}

/// <summary>Stable codes for <see cref="NvsError"/>.</summary>
public static class NvsErrorCodes
{
    public const string SizeNotPageMultiple = "E-NVS-SIZE-NOT-PAGE-MULTIPLE";
    public const string SizeTooSmall = "E-NVS-SIZE-TOO-SMALL";
    public const string SizeTooLarge = "E-NVS-SIZE-TOO-LARGE";
    public const string PartitionTooSmall = "E-NVS-PARTITION-TOO-SMALL";

    public const string CsvNotUtf8 = "E-NVS-CSV-NOT-UTF8";
    public const string CsvByteOrderMark = "E-NVS-CSV-BOM";
    public const string CsvHeader = "E-NVS-CSV-HEADER";
    public const string CsvFieldTooLarge = "E-NVS-CSV-FIELD-TOO-LARGE";
    public const string CsvMissingColumn = "E-NVS-CSV-MISSING-COLUMN";

    public const string KeyTooLong = "E-NVS-KEY-TOO-LONG";
    public const string KeyEmpty = "E-NVS-KEY-EMPTY";
    public const string KeyNotAscii = "E-NVS-KEY-NOT-ASCII";
    public const string UnknownType = "E-NVS-TYPE";
    public const string UnsupportedEncoding = "E-NVS-ENCODING";
    public const string EncodingCase = "E-NVS-ENCODING-CASE";
    public const string InvalidFillEncoding = "E-NVS-FILL-ENCODING";
    public const string FillValueTooLong = "E-NVS-FILL-VALUE-TOO-LONG";

    public const string IntegerSyntax = "E-NVS-INT-SYNTAX";
    public const string IntegerRange = "E-NVS-INT-RANGE";
    public const string HexOddLength = "E-NVS-HEX-ODD-LENGTH";
    public const string HexDigit = "E-NVS-HEX-DIGIT";
    public const string Base64 = "E-NVS-BASE64";
    public const string NotAscii = "E-NVS-VALUE-NOT-ASCII";
    public const string NotUtf8 = "E-NVS-VALUE-NOT-UTF8";
    public const string ValueTooLong = "E-NVS-VALUE-TOO-LONG";
    public const string StringTooLongForPage = "E-NVS-STRING-PAGE-FULL";
    public const string BlobTooManyChunks = "E-NVS-BLOB-CHUNKS";

    public const string FileUnreadable = "E-NVS-FILE";
    public const string NamespaceMissing = "E-NVS-NAMESPACE-MISSING";
    public const string NamespaceRepeated = "E-NVS-NAMESPACE-REPEATED";
    public const string NamespaceLimit = "E-NVS-NAMESPACE-LIMIT";
    public const string WifiKeyShape = "E-NVS-WIFI-KEY";

    public const string MfgFile = "E-NVS-MFG-FILE";
    public const string MfgConfig = "E-NVS-MFG-CONFIG";
    public const string MfgValues = "E-NVS-MFG-VALUES";
    public const string MfgKeyMissing = "E-NVS-MFG-KEY-MISSING";
}
