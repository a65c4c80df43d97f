namespace Station.Traceability.Ledger;

/// <summary>Checks what callers pass before it reaches a store, so a bad value is refused with a plain message instead of a constraint error.</summary>
internal static class LedgerArguments
{
    private const int MaxTextLength = 200;

    /// <summary>The MAC as the ledger keys it: <c>24:0A:C4:12:34:56</c>.</summary>
    public static string Mac(string mac) => MacAddressText.Normalize(mac);

    /// <summary>A name the ledger stores as it is (product, station, batch, record id, source id).</summary>
    public static string Name(string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim() != value || value.Length > MaxTextLength || value.Any(char.IsControl))
        {
            throw new ArgumentException($"'{value}' cannot be a {what} in the ledger: use 1 to {MaxTextLength} printable characters without leading or trailing spaces.", what);
        }

        return value;
    }

    public static void Check(SerialRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Format);
        Name(request.Product, "product");
        Name(request.StationId, "station id");
        Name(request.Batch, "batch");
    }

    public static void Check(UnitOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        Name(outcome.Product, "product");
        Name(outcome.RecordId, "record id");
        Name(outcome.StationId, "station id");
        if (!Enum.IsDefined(outcome.Result))
        {
            throw new ArgumentOutOfRangeException(nameof(outcome), outcome.Result, "Unknown unit result.");
        }

        if (outcome.DeviceData is { } data && !data.IsIntact)
        {
            throw new ArgumentException($"The device data of {outcome.Mac} ({outcome.RecordId}) does not hash to its own SHA-256/MD5; build it with LedgerDeviceData.FromImage.", nameof(outcome));
        }
    }

    public static void Check(MasterRowRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Name(request.SourceId, "master source id");
        Name(request.StationId, "station id");
        ArgumentOutOfRangeException.ThrowIfLessThan(request.RowCount, 1, nameof(request));
    }
}
