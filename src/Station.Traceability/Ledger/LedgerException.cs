namespace Station.Traceability.Ledger;

/// <summary>The ledger refused a call or cannot be used; <see cref="Code"/> is one of <see cref="LedgerErrorCodes"/> and the message says what to do.</summary>
public sealed class LedgerException : Exception
{
    public LedgerException(string code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    public string Code { get; }
}

/// <summary>Stable codes of <see cref="LedgerException"/>, stored in records as they are.</summary>
public static class LedgerErrorCodes
{
    /// <summary>The ledger cannot be opened or reached (bad connection setting, server down, file locked for too long).</summary>
    public const string Unavailable = "E-LEDGER-UNAVAILABLE";

    /// <summary>The ledger was made by a newer station (schema version unknown here).</summary>
    public const string SchemaTooNew = "E-LEDGER-SCHEMA-NEWER";

    /// <summary>A serial rendered for one product is already held by another product: the formats cannot tell them apart.</summary>
    public const string SerialTaken = "E-LEDGER-SERIAL-TAKEN";

    /// <summary>An outcome was recorded for a MAC that has no serial.</summary>
    public const string NotAllocated = "E-LEDGER-NOT-ALLOCATED";

    /// <summary>Every row of a master values source is claimed.</summary>
    public const string MasterRowsExhausted = "E-LEDGER-ROWS-EXHAUSTED";

    /// <summary>A master values source was claimed with another row count than before.</summary>
    public const string MasterRowCountChanged = "E-LEDGER-ROW-COUNT-CHANGED";

    /// <summary>The stored data contradicts itself (edited by hand?): nothing more is allocated until someone looks.</summary>
    public const string Damaged = "E-LEDGER-DAMAGED";
}
