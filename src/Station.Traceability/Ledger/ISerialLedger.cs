namespace Station.Traceability.Ledger;

/// <summary>
/// The serial-number ledger: which serial and which mass-manufacturing row each MAC got, and how its
/// latest attempt ended. Every call is one transaction: it happens completely or not at all, and a call
/// that returned survives a crash of the station at any later instant. Safe for all slots to call at once.
/// Open one with <see cref="SerialLedgers.OpenAsync"/>.
/// </summary>
public interface ISerialLedger : IAsyncDisposable
{
    /// <summary>Where the ledger lives, for logs: <c>sqlite:/path/ledger.db</c> or <c>postgres://host:port/db</c> (never a password).</summary>
    string Location { get; }

    /// <summary>
    /// The MAC's serial for the product: the one it already has (<see cref="SerialAllocation.Existing"/>),
    /// or the product's next sequence number rendered with the request's format, bound in the same transaction.
    /// </summary>
    /// <exception cref="LedgerException">The rendered serial already belongs to another product, or the ledger is damaged.</exception>
    Task<SerialAllocation> AllocateAsync(SerialRequest request, CancellationToken cancellationToken);

    /// <summary>Keeps the unit's latest outcome and, when given, its per-device data (replacing earlier data).</summary>
    /// <exception cref="LedgerException">The MAC has no serial for the product (<see cref="LedgerErrorCodes.NotAllocated"/>).</exception>
    Task RecordOutcomeAsync(UnitOutcome outcome, CancellationToken cancellationToken);

    /// <summary>The MAC's row of a master values source: the one it already has, or the lowest unused one.</summary>
    /// <exception cref="LedgerException">Every row is taken (<see cref="LedgerErrorCodes.MasterRowsExhausted"/>), or the source was claimed with another row count.</exception>
    Task<MasterRowClaim> ClaimMasterRowAsync(MasterRowRequest request, CancellationToken cancellationToken);

    /// <summary>The MAC's binding for the product, or null when it never got a serial.</summary>
    Task<LedgerEntry?> FindAsync(string product, string mac, CancellationToken cancellationToken);

    /// <summary>The per-device data last recorded for the MAC (with the NVS image bytes), or null.</summary>
    Task<LedgerDeviceData?> FindDeviceDataAsync(string product, string mac, CancellationToken cancellationToken);

    /// <summary>Every serial allocated for the product, in sequence order (for audits: see <see cref="LedgerAudit"/>).</summary>
    Task<IReadOnlyList<LedgerEntry>> ListAsync(string product, CancellationToken cancellationToken);

    /// <summary>Every row claimed from the source, in row order.</summary>
    Task<IReadOnlyList<MasterRowClaim>> ListMasterRowsAsync(string sourceId, CancellationToken cancellationToken);
}
